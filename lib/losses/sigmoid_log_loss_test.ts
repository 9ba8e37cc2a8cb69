import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
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
