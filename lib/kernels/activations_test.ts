import assert from "node:assert/strict";
import { reluBackward, reluForward, sigmoid, sigmoidBackward, sigmoidForward } from "./activations.ts";

const f64 = (values: number[]) => ({ data: Float64Array.from(values), shape: [values.length] });

Deno.test("reluForward() and reluBackward() pass only positive entries, gradient 0 at 0", () => {
  const y = reluForward(f64([-1, 0, 2]));
  assert.deepEqual([...y.data], [0, 0, 2]);
  assert.deepEqual([...reluBackward(f64([5, 6, 7]), y).data], [0, 0, 7]);
});

Deno.test("reluForward() lets NaN through so divergence is seen", () => {
  assert.ok(Number.isNaN(reluForward(f64([NaN])).data[0]));
});

Deno.test("sigmoid() stays finite and accurate at large |z|", () => {
  assert.equal(sigmoid(0), 0.5);
  assert.equal(sigmoid(-1000), 0);
  assert.equal(sigmoid(1000), 1);
  assert.ok(Math.abs(sigmoid(-40) - Math.exp(-40)) < 1e-30);
  const y = sigmoidForward(f64([0]));
  assert.deepEqual([...sigmoidBackward(f64([2]), y).data], [0.5]);
});
