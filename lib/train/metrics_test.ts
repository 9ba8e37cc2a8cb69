import assert from "node:assert/strict";
import { accuracyOf, confusionMatrix, macroF1, perClassMetrics } from "./metrics.ts";

Deno.test("confusionMatrix() counts true class by predicted class", () => {
  const m = confusionMatrix([0, 1, 1, 2, 0], [0, 1, 2, 2, 1], { classes: 3 });
  assert.deepEqual(m, [[1, 0, 0], [1, 1, 0], [0, 1, 1]]);
  assert.equal(accuracyOf(m), 3 / 5);
});

Deno.test("macroF1() matches a hand computation and scikit-learn's zero for empty classes", () => {
  // class 0: tp 1, fp 1, fn 0 -> 2/3; class 1: tp 1, fp 1, fn 1 -> 1/2; class 2: tp 1, fp 0, fn 1 -> 2/3
  const m = confusionMatrix([0, 1, 1, 2, 0], [0, 1, 2, 2, 1], { classes: 3 });
  assert.ok(Math.abs(macroF1(m) - (2 / 3 + 1 / 2 + 2 / 3) / 3) < 1e-15);
  assert.equal(macroF1([[2, 0], [0, 0]]), 0.5);
});

Deno.test("perClassMetrics() gives precision, recall and F1 by class, NaN where undefined", () => {
  const [a, b, empty] = perClassMetrics([[1, 1, 0], [0, 2, 0], [0, 0, 0]]);
  assert.deepEqual(a, { count: 2, precision: 1, recall: 0.5, f1: 2 / 3 });
  assert.deepEqual(b, { count: 2, precision: 2 / 3, recall: 1, f1: 0.8 });
  assert.ok([empty!.precision, empty!.recall, empty!.f1].every(Number.isNaN));
  assert.equal(perClassMetrics([[0, 3], [0, 1]])[0]!.f1, 0); // never predicted, but present: 0, not NaN
});
