import assert from "node:assert/strict";
import { maxPool2dBackward, maxPool2dForward } from "./max_pool2d.ts";

const f64 = (values: number[], shape: number[]) => ({ data: Float64Array.from(values), shape });

Deno.test("maxPool2dForward() takes window maxima and drops an odd last row and column", () => {
  const x = f64([1, 5, 2, 0, 3, 4, 9, 1, 7, 8, 6, 2, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], [1, 1, 5, 5]);
  const { y } = maxPool2dForward(x, { window: 2 });
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  assert.deepEqual([...y.data], [9, 7, 9, 9]);
});

Deno.test("maxPool2dBackward() gives a tie's gradient to the first maximum in row-major order", () => {
  const x = f64([2, 2, 2, 2], [1, 1, 2, 2]);
  const { cache } = maxPool2dForward(x, { window: 2 });
  assert.deepEqual([...maxPool2dBackward(f64([3], [1, 1, 1, 1]), cache).data], [3, 0, 0, 0]);
});

Deno.test("maxPool2dBackward() adds gradients when overlapping windows share a maximum", () => {
  const x = f64([0, 0, 0, 0, 9, 0, 0, 0, 0], [1, 1, 3, 3]);
  const { y, cache } = maxPool2dForward(x, { window: 2, stride: 1 });
  assert.deepEqual([...y.data], [9, 9, 9, 9]);
  const dx = maxPool2dBackward(f64([1, 2, 3, 4], [1, 1, 2, 2]), cache);
  assert.deepEqual([...dx.data], [0, 0, 0, 0, 10, 0, 0, 0, 0]);
});
