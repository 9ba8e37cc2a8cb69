import assert from "node:assert/strict";
import { type GreyImage, toModelInput } from "./input.ts";

/** A `side x side` black-on-white image with a black rectangle (rows `y0..y1`, columns `x0..x1`, scaled by `k`). */
function rectangle(side: number, [y0, y1, x0, x1]: number[], k = 1): GreyImage {
  const pixels = new Float64Array(side * side).fill(255);
  for (let y = y0! * k; y < y1! * k; y++) for (let x = x0! * k; x < x1! * k; x++) pixels[y * side + x] = 0;
  return { width: side, height: side, pixels };
}

/** Centre of mass `[row, column]` and bounding box `[height, width]` of a 28x28 input. */
function measure(input: Uint8Array): { centre: number[]; box: number[] } {
  let mass = 0, cy = 0, cx = 0, top = 28, bottom = -1, left = 28, right = -1;
  input.forEach((v, i) => {
    const y = Math.floor(i / 28), x = i % 28;
    mass += v, cy += v * (y + 0.5), cx += v * (x + 0.5);
    if (v > 0) {
      top = Math.min(top, y), bottom = Math.max(bottom, y), left = Math.min(left, x), right = Math.max(right, x);
    }
  });
  return { centre: [cy / mass, cx / mass], box: [bottom - top + 1, right - left + 1] };
}

Deno.test("toModelInput: an image of the model's size is kept, inverted when light", () => {
  const pixels = Float64Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
  pixels.fill(0, 0, 28);
  assert.deepEqual([...toModelInput({ width: 28, height: 28, pixels }, { height: 28, width: 28 })], [...pixels]);
  const light = rectangle(28, [5, 9, 3, 20]);
  assert.deepEqual([...toModelInput(light, { height: 28, width: 28 })], [...light.pixels].map((v) => 255 - v));
});

Deno.test("toModelInput: MNIST-style, the ink scaled into 20x20 and centred by its centre of mass", () => {
  const input = toModelInput(rectangle(280, [20, 120, 150, 200]), { height: 28, width: 28 });
  const { centre, box } = measure(input);
  assert.deepEqual(box, [20, 10], "the longer side is 20, the aspect ratio kept");
  for (const c of centre) assert.ok(Math.abs(c - 14) <= 0.5, `centre of mass ${centre}`);
  assert.equal(Math.max(...input), 255);
  const moved = toModelInput(rectangle(560, [50, 150, 10, 60], 2), { height: 28, width: 28 });
  assert.deepEqual([...moved], [...input], "position and scale do not matter");
  const thin = toModelInput(rectangle(100, [10, 11, 10, 90]), { height: 28, width: 28 });
  assert.deepEqual(measure(thin).box, [1, 20], "a one-pixel line stays one pixel thick, anti-aliased");
  assert.deepEqual([...toModelInput(rectangle(50, [0, 0, 0, 0]), { height: 28, width: 28 })], new Array(784).fill(0));
});
