// Shared by the layer tests: seeded float64 inputs kept away from ReLU kinks.
import type { Rng } from "../rng/mod.ts";
import type { Tensor } from "../tensor/mod.ts";

/** A float64 tensor of normal samples pushed at least 0.05 away from zero. */
export function randomInput(shape: number[], rng: Rng): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const z = rng.normal();
    data[i] = z + (z >= 0 ? 0.05 : -0.05);
  }
  return { data, shape };
}
