// Shared by the optimizer tests.
import type { Param } from "../tensor/mod.ts";

/** A float64 parameter with the given values and gradient. */
export const param = (value: number[], grad: number[], frozen = false): Param => ({
  name: "p",
  value: Float64Array.from(value),
  grad: Float64Array.from(grad),
  shape: [value.length],
  frozen,
});
