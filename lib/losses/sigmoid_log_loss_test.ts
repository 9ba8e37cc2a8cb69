import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { sigmoid } from "../kernels/mod.ts";
import { compareGradients, numericalGradient } from "../testing/mod.ts";
import { sigmoidLogLoss } from "./sigmoid_log_loss.ts";

const LOG_LOSS_CLIP = 1e-16; // the documented clip

Deno.test("sigmoidLogLoss() gives log 2 at logit 0 and predicts p > 0.5", () => {
  const result = sigmoidLogLoss({ data: Float64Array.of(0, 3), shape: [2, 1] }, Int32Array.of(1, 1));
  assert.ok(Math.abs(result.loss - (Math.log(2) + Math.log(1 + Math.exp(-3))) / 2) < 1e-12);
  assert.deepEqual([...result.predicted], [0, 1]);
});

Deno.test("sigmoidLogLoss() clips probabilities to [1e-16, 1 - 1e-16]", () => {
  const wrong = sigmoidLogLoss({ data: Float64Array.of(-1000), shape: [1, 1] }, Int32Array.of(1));
  assert.equal(wrong.loss, -Math.log(LOG_LOSS_CLIP));
  const wrongOther = sigmoidLogLoss({ data: Float64Array.of(1000), shape: [1, 1] }, Int32Array.of(0));
  assert.equal(wrongOther.loss, -Math.log(1 - (1 - LOG_LOSS_CLIP)));
  assert.ok(Number.isFinite(wrongOther.loss));
});

Deno.test("sigmoidLogLoss() gradient matches finite differences where the clip does not bind", () => {
  const rng = createRng(4);
  for (const n of [1, 5]) {
    const logits = Float64Array.from({ length: n }, () => rng.normal() * 4);
    const labels = Int32Array.from({ length: n }, () => rng.integer(2));
    const { dlogits } = sigmoidLogLoss({ data: logits, shape: [n, 1] }, labels);
    const numerical = numericalGradient(() => sigmoidLogLoss({ data: logits, shape: [n, 1] }, labels).loss, logits);
    assert.ok(compareGradients(dlogits.data, numerical).maxError < 1e-6);
  }
});

Deno.test("sigmoidLogLoss() rejects labels other than 0 and 1", () => {
  assert.throws(
    () => sigmoidLogLoss({ data: new Float64Array(1), shape: [1, 1] }, Int32Array.of(2)),
    /label 2 of sample 0/,
  );
});

/** `log(1 + exp(x))` without overflow or cancellation: the exact loss of a logit, where the clip does not bind. */
const softplus = (x: number) => x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));

Deno.test("sigmoidLogLoss() keeps every digit of confident answers, right and wrong, where the clip does not bind", () => {
  // Up to |z| = 36 the probability stays inside [1e-16, 1 - 1e-16]; the loss is softplus(-z) for y = 1,
  // softplus(z) for y = 0. Computed as -log(1 - p), a confident wrong z = 31.13475 came out 31.13838.
  const z = [-36, -31.13475, -20, -3, -0.5, 0, 0.5, 3, 20, 30, 31.13475, 36];
  for (const y of [0, 1]) {
    for (const v of z) {
      const { loss } = sigmoidLogLoss({ data: Float64Array.of(v), shape: [1, 1] }, Int32Array.of(y));
      const exact = softplus(y === 1 ? -v : v);
      assert.ok(Math.abs(loss - exact) <= 4e-16 * exact, `z ${v}, y ${y}: ${loss}, exactly ${exact}`);
    }
  }
});

Deno.test("sigmoidLogLoss() gradient is (p - y) / N to the bit, clipped or not", () => {
  const z = Float64Array.of(-1000, -40, -31.13475, -3, 0, 0.25, 3, 31.13475, 40, 1000);
  const labels = Int32Array.from(z, (_, i) => i % 2);
  const { dlogits } = sigmoidLogLoss({ data: z, shape: [z.length, 1] }, labels);
  assert.deepEqual([...dlogits.data], [...z].map((v, i) => (sigmoid(v) - labels[i]!) / z.length));
});
