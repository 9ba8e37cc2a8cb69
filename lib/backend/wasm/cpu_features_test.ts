import assert from "node:assert/strict";
import { relaxedMultiplyAdd, wasmCpuFeatures } from "./cpu_features.ts";

Deno.test("wasmCpuFeatures() calls a multiply-add fused exactly when it rounds once (2^-24 left, not 0)", () => {
  const features = wasmCpuFeatures(), madd = relaxedMultiplyAdd();
  assert.equal(features.relaxedSimd, madd !== null);
  if (madd === null) return assert.equal(features.fusedMultiplyAdd, false);
  assert.equal(madd(2, 3, 4), 10);
  const a = 1 + 2 ** -12, left = madd(a, a, -(1 + 2 ** -11));
  assert.ok(left === 0 || left === 2 ** -24, `one rounding leaves 2^-24, two leave 0; got ${left}`);
  assert.equal(features.fusedMultiplyAdd, left === 2 ** -24);
  // Two roundings, done in float32 here, leave 0: the probe's numbers tell the two apart.
  assert.equal(Math.fround(Math.fround(a * a) - (1 + 2 ** -11)), 0);
});
