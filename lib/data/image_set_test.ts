import assert from "node:assert/strict";
import { type ImageSet, imageSize } from "./image_set.ts";

const set: ImageSet = {
  images: new Uint8Array(2 * 3 * 2 * 2),
  labels: new Uint8Array([1, 0]),
  count: 2,
  channels: 3,
  height: 2,
  width: 2,
  classes: 2,
  classNames: ["a", "b"],
};

Deno.test("imageSize() is channels * height * width", () => {
  assert.equal(imageSize(set), 12);
});
