import assert from "node:assert/strict";
import { conv2dBackward, conv2dForward, conv2dGeometry } from "./conv2d.ts";

const f64 = (values: number[], shape: number[]) => ({ data: Float64Array.from(values), shape });

Deno.test("conv2dForward() computes a hand-worked cross-correlation with asymmetric numbers", () => {
  // x = [[1,2,3],[4,5,6],[7,8,10]], w = [[1,0],[0,-1]] (not symmetric, so a flipped kernel would show)
  const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 10], [1, 1, 3, 3]);
  const w = f64([1, 0, 0, -1], [1, 1, 2, 2]);
  const { y } = conv2dForward(x, w, { bias: f64([0.5], [1]) });
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  assert.deepEqual([...y.data], [1 - 5 + 0.5, 2 - 6 + 0.5, 4 - 8 + 0.5, 5 - 10 + 0.5]);
});

Deno.test("conv2dForward() pads with zeros, strides, and adds a bias per position", () => {
  const x = f64([1, 2, 3, 4], [1, 1, 2, 2]);
  const w = f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  // "same" padding of a 2x2 input with a 3x3 kernel: one zero on each side.
  const { y } = conv2dForward(x, w, { padding: "same", bias: f64([10, 20, 30, 40], [1, 2, 2]) });
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  // y[0,0] sees x at kernel taps (1,1),(1,2),(2,1),(2,2) = 5*1 + 6*2 + 8*3 + 9*4
  assert.deepEqual([...y.data], [
    5 + 12 + 24 + 36 + 10,
    4 + 10 + 21 + 32 + 20,
    2 + 6 + 15 + 24 + 30,
    1 + 4 + 12 + 20 + 40,
  ]);
  const strided = conv2dForward(f64([...Array(25).keys()], [1, 1, 5, 5]), f64([1], [1, 1, 1, 1]), { stride: 2 }).y;
  assert.deepEqual([...strided.data], [0, 2, 4, 10, 12, 14, 20, 22, 24]);
});

Deno.test("conv2dGeometry() puts the odd extra row of 'same' at the bottom, as TensorFlow does", () => {
  assert.deepEqual(conv2dGeometry([28, 28], { kernel: [5, 5], padding: "same" }).padding, {
    top: 2,
    bottom: 2,
    left: 2,
    right: 2,
  });
  assert.deepEqual(conv2dGeometry([6, 5], { kernel: [2, 4], stride: [1, 2], padding: "same" }).padding, {
    top: 0,
    bottom: 1,
    left: 1,
    right: 2,
  });
});

Deno.test("conv2dBackward() sums the bias gradient per channel and can skip dx", () => {
  const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 10], [1, 1, 3, 3]);
  const w = f64([1, 0, 0, -1], [1, 1, 2, 2]);
  const { cache } = conv2dForward(x, w, { bias: f64([0], [1]) });
  const dy = f64([1, 2, 3, 4], [1, 1, 2, 2]);
  const { dx, dw, db } = conv2dBackward(dy, cache, { inputGradient: false });
  assert.equal(dx, null);
  assert.deepEqual([...db!.data], [10]);
  // dw[0,0] = sum dy * x[top-left of each window] = 1*1 + 2*2 + 3*4 + 4*5
  assert.deepEqual([...dw.data], [1 + 4 + 12 + 20, 2 + 6 + 15 + 24, 4 + 10 + 21 + 32, 5 + 12 + 24 + 40]);
});

Deno.test("conv2dForward() names the mismatch when channels disagree", () => {
  assert.throws(
    () => conv2dForward(f64([1, 2], [1, 2, 1, 1]), f64([1], [1, 1, 1, 1])),
    /filters expect 1 input channels, the input 1x2x1x1 has 2/,
  );
});
