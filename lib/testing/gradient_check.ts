/**
 * Finite-difference gradient checks, in the cs231n manner: perturb each
 * entry both ways, take `(f(x + h) - f(x - h)) / 2h`, and compare with the
 * analytic gradient by a floored relative error.
 *
 * @module
 */
import type { FloatArray } from "../tensor/mod.ts";
import type { Rng } from "../rng/mod.ts";

/** Options of {@linkcode numericalGradient}. */
export interface NumericalGradientOptions {
  /** The step; default 1e-5. */
  h?: number;
  /** Only these entries (others stay 0); default all. */
  indices?: ArrayLike<number>;
}

/**
 * The central-difference gradient of the scalar `f()` with respect to the
 * entries of `x`, which `f` reads. Each entry is restored after it is probed.
 *
 * @param f computes a scalar from the current contents of `x`.
 * @param x the array to perturb (float64 for meaningful results).
 * @returns the estimated gradient, same length as `x`.
 */
export function numericalGradient(
  f: () => number,
  x: FloatArray,
  options: NumericalGradientOptions = {},
): Float64Array {
  const h = options.h ?? 1e-5;
  const grad = new Float64Array(x.length);
  const indices = options.indices ?? Array.from({ length: x.length }, (_, i) => i);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    const saved = x[i]!;
    x[i] = saved + h;
    const plus = f();
    x[i] = saved - h;
    const minus = f();
    x[i] = saved;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/** The worst entry of a comparison. */
export interface GradientComparison {
  /** The largest floored relative error over the compared entries. */
  maxError: number;
  /** Where it occurred. */
  index: number;
  /** The analytic value there. */
  analytic: number;
  /** The numerical value there. */
  numerical: number;
}

/**
 * Compares two gradients entry by entry with the floored relative error
 * `|a - n| / max(floor, |a| + |n|)` and reports the worst entry.
 *
 * The floor (default 1e-4) keeps entries that are zero in both, or nearly
 * so, from turning float64 rounding noise (about 1e-10 for the functions
 * checked here) into a large relative error.
 *
 * @param analytic the backward pass's gradient.
 * @param numerical the finite-difference estimate.
 * @param options `indices` to compare only some entries; `floor`.
 */
export function compareGradients(
  analytic: ArrayLike<number>,
  numerical: ArrayLike<number>,
  options: { indices?: ArrayLike<number>; floor?: number } = {},
): GradientComparison {
  if (analytic.length !== numerical.length) {
    throw new RangeError(`compareGradients: lengths differ (${analytic.length} and ${numerical.length})`);
  }
  const floor = options.floor ?? 1e-4;
  const indices = options.indices ?? Array.from({ length: analytic.length }, (_, i) => i);
  const worst: GradientComparison = { maxError: 0, index: -1, analytic: NaN, numerical: NaN };
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    const a = analytic[i]!, n = numerical[i]!;
    const error = Math.abs(a - n) / Math.max(floor, Math.abs(a) + Math.abs(n));
    // "!(error <= max)" also catches NaN.
    if (!(error <= worst.maxError) || worst.index < 0) {
      worst.maxError = Number.isNaN(error) ? Infinity : error;
      worst.index = i;
      worst.analytic = a;
      worst.numerical = n;
    }
  }
  return worst;
}

/**
 * A seeded sample of `count` distinct indices in [0, length), sorted; all of
 * them when `count >= length`. Whole-model checks probe a sample of a large
 * weight matrix rather than every entry.
 */
export function sampleIndices(length: number, options: { count: number; rng: Rng }): Int32Array {
  if (options.count >= length) return Int32Array.from({ length }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < options.count) chosen.add(options.rng.integer(length));
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

/** A random array of `length` normal samples scaled by `scale`, in float64. */
export function randomArray(length: number, options: { rng: Rng; scale?: number }): Float64Array {
  const out = new Float64Array(length);
  const scale = options.scale ?? 1;
  for (let i = 0; i < length; i++) out[i] = options.rng.normal() * scale;
  return out;
}
