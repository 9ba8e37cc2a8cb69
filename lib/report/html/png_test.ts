import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { decode } from "fast-png";
import { pngDataUri } from "./pictures.ts";

const decoded = (uri: string) => decode(Buffer.from(uri.replace(/^data:image\/png;base64,/, ""), "base64"));

Deno.test("pngDataUri() upscales by repeating pixels and maps min..max to black..white", () => {
  const png = decoded(pngDataUri([0, 1, 2, 3, 4, 5], { width: 3, height: 2, scale: 2 }));
  assert.equal(png.width, 6);
  assert.equal(png.height, 4);
  const rows = [0, 1, 2, 3].map((r) => Array.from(png.data.subarray(r * 6, r * 6 + 6)));
  assert.deepEqual(rows[0], [0, 0, 51, 51, 102, 102]);
  assert.deepEqual(rows[1], rows[0], "each value is a 2x2 block");
  assert.deepEqual(rows[3], [153, 153, 204, 204, 255, 255]);
});

Deno.test("pngDataUri() clamps to a given range and draws non-finite values black", () => {
  const png = decoded(pngDataUri([-2, 0, 2, NaN], { width: 4, height: 1, scale: 1, range: [-1, 1] }));
  assert.deepEqual(Array.from(png.data), [0, 128, 255, 0]);
});
