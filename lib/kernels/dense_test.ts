import assert from "node:assert/strict";
import { denseBackward, denseForward } from "./dense.ts";

const f64 = (values: number[], shape: number[]) => ({ data: Float64Array.from(values), shape });

Deno.test("denseForward() and denseBackward() compute a hand-worked product", () => {
  const x = f64([1, 2, 3], [1, 3]);
  const w = f64([1, 2, 3, 4, 5, 6], [3, 2]); // rows are inputs
  const { y, cache } = denseForward(x, w, { bias: f64([0.5, -0.5], [2]) });
  assert.deepEqual([...y.data], [1 + 6 + 15 + 0.5, 2 + 8 + 18 - 0.5]);
  const { dx, dw, db } = denseBackward(f64([1, -1], [1, 2]), cache);
  assert.deepEqual([...dx.data], [1 - 2, 3 - 4, 5 - 6]);
  assert.deepEqual([...dw.data], [1, -1, 2, -2, 3, -3]);
  assert.deepEqual([...db!.data], [1, -1]);
});
