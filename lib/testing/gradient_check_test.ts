import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { compareGradients, numericalGradient, sampleIndices } from "./gradient_check.ts";

Deno.test("numericalGradient() recovers the derivative of a cubic and restores x", () => {
  const x = Float64Array.of(1, -2, 0.5);
  const f = () => x[0]! ** 3 + 2 * x[1]! * x[2]!;
  const g = numericalGradient(f, x);
  assert.ok(Math.abs(g[0]! - 3) < 1e-8);
  assert.ok(Math.abs(g[1]! - 1) < 1e-8);
  assert.ok(Math.abs(g[2]! + 4) < 1e-8);
  assert.deepEqual([...x], [1, -2, 0.5]);
});

Deno.test("compareGradients() floors the denominator and flags NaN", () => {
  assert.equal(compareGradients([0], [1e-12]).maxError, 1e-12 / 1e-4);
  const worst = compareGradients([1, 2, 3], [1, 2.02, 3]);
  assert.equal(worst.index, 1);
  assert.ok(Math.abs(worst.maxError - 0.02 / 4.02) < 1e-12);
  assert.equal(compareGradients([1, NaN], [1, 1]).maxError, Infinity);
});

Deno.test("sampleIndices() is seeded, distinct and sorted", () => {
  const a = sampleIndices(1000, { count: 20, rng: createRng(1) });
  assert.deepEqual(a, sampleIndices(1000, { count: 20, rng: createRng(1) }));
  assert.equal(new Set(a).size, 20);
  assert.deepEqual([...a], [...a].sort((p, q) => p - q));
  assert.equal(sampleIndices(5, { count: 20, rng: createRng(1) }).length, 5);
});
