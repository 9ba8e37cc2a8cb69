import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { compareGradients, numericalGradient } from "../testing/mod.ts";
import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";

Deno.test("softmaxCrossEntropy() gives log K for equal logits and predicts the argmax", () => {
  const result = softmaxCrossEntropy({ data: Float64Array.of(0, 0, 0, 1, 5, 2), shape: [2, 3] }, Int32Array.of(2, 1));
  const second = Math.log(Math.exp(1) + Math.exp(5) + Math.exp(2)) - 5;
  assert.ok(Math.abs(result.loss - (Math.log(3) + second) / 2) < 1e-12);
  assert.deepEqual([...result.predicted], [0, 1]);
});

Deno.test("softmaxCrossEntropy() stays finite for huge logits", () => {
  const result = softmaxCrossEntropy({ data: Float64Array.of(1000, -1000, 0), shape: [1, 3] }, Int32Array.of(1));
  assert.equal(result.loss, 2000);
  assert.ok([...result.dlogits.data].every(Number.isFinite));
});

Deno.test("softmaxCrossEntropy() gradient matches finite differences for batches of 1 and 4", () => {
  const rng = createRng(1);
  for (const n of [1, 4]) {
    const logits = Float64Array.from({ length: n * 5 }, () => rng.normal() * 3);
    const labels = Int32Array.from({ length: n }, () => rng.integer(5));
    const { dlogits } = softmaxCrossEntropy({ data: logits, shape: [n, 5] }, labels);
    const numerical = numericalGradient(
      () => softmaxCrossEntropy({ data: logits, shape: [n, 5] }, labels).loss,
      logits,
    );
    assert.ok(compareGradients(dlogits.data, numerical).maxError < 1e-6);
  }
});

Deno.test("softmaxCrossEntropy() rejects a label out of range", () => {
  assert.throws(
    () => softmaxCrossEntropy({ data: new Float64Array(3), shape: [1, 3] }, Int32Array.of(3)),
    /label 3 of row 0 is outside \[0, 3\)/,
  );
});
