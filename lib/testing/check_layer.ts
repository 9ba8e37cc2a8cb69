/**
 * Gradient checks of whole layers and models, built on the finite-difference helpers.
 *
 * @module
 */
import type { Layer } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { Rng } from "../rng/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";
import {
  compareGradients,
  type GradientComparison,
  numericalGradient,
  randomArray,
  sampleIndices,
} from "./gradient_check.ts";

/** The result for one checked array: the input (`"x"`) or a parameter by name. */
export interface CheckedGradient extends GradientComparison {
  /** `"x"` for the input, otherwise the parameter's name. */
  name: string;
  /** Entries probed and compared. */
  probed: number;
  /** Entries whose probe crossed a kink (a ReLU or max-pool switch flipped) and so were not compared. */
  skipped: number;
}

/** Options of {@linkcode checkLayerGradients} and {@linkcode checkModelGradients}. */
export interface CheckOptions {
  /** Draws the upstream gradient and the sampled indices. */
  rng: Rng;
  /** Probe at most this many entries of each array (a seeded sample); default all. */
  samplesPerArray?: number;
  /** Finite-difference step; default 1e-5. */
  h?: number;
}

/** The input gradient and each parameter's gradient, copied (the probes run forward again), with the arrays to probe. */
function analyticArrays(dx: Tensor, where: { x: Tensor; params: Param[] }) {
  return [
    { name: "x", grad: Float64Array.from(dx.data), value: where.x.data },
    ...where.params.map((p) => ({ name: p.name, grad: Float64Array.from(p.grad), value: p.value })),
  ];
}

function sameKinks(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkAll(
  f: () => number,
  analytic: () => { name: string; grad: ArrayLike<number>; value: Tensor["data"] }[],
  options: CheckOptions & { kinks?: () => ArrayLike<number> },
): CheckedGradient[] {
  const results: CheckedGradient[] = [];
  const arrays = analytic();
  f();
  const baseKinks = Array.from(options.kinks?.() ?? []);
  for (const { name, grad, value } of arrays) {
    const indices = sampleIndices(value.length, { count: options.samplesPerArray ?? Infinity, rng: options.rng });
    // Keep only probes whose +h and -h evaluations made the same discrete choices as the unperturbed one.
    const kept: number[] = [];
    const numerical = new Float64Array(value.length);
    for (const i of indices) {
      let crossed = false;
      const probe = numericalGradient(
        () => {
          const y = f();
          if (options.kinks && !sameKinks(options.kinks(), baseKinks)) crossed = true;
          return y;
        },
        value,
        { h: options.h, indices: [i] },
      );
      if (!crossed) {
        kept.push(i);
        numerical[i] = probe[i]!;
      }
    }
    results.push({
      name,
      probed: kept.length,
      skipped: indices.length - kept.length,
      ...compareGradients(grad, numerical, { indices: kept }),
    });
  }
  return results;
}

/**
 * Checks a layer's backward against central differences of `sum(y * dy)`
 * for a seeded random `dy`: the input gradient and every parameter gradient.
 * The layer and `x` must be float64.
 *
 * @param layer the layer under test.
 * @param x the input.
 * @returns one result per array, with the worst floored relative error.
 */
export function checkLayerGradients(layer: Layer, x: Tensor, options: CheckOptions): CheckedGradient[] {
  const y0 = layer.forward(x);
  const dy: Tensor = { data: randomArray(y0.data.length, { rng: options.rng }), shape: y0.shape };
  const f = () => {
    const y = layer.forward(x).data;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i]! * dy.data[i]!;
    return sum;
  };
  return checkAll(f, () => {
    layer.forward(x);
    return analyticArrays(layer.backward(dy), { x, params: layer.params() });
  }, { ...options, kinks: layer.kinks?.bind(layer) });
}

/**
 * Checks a whole model plus its loss: the gradient of the mean loss with
 * respect to the input and every parameter, against central differences.
 *
 * @param model the model (float64 parameters).
 * @param batch the input `x` and integer `labels`, plus the `loss` function.
 */
export function checkModelGradients(
  model: Layer,
  batch: { x: Tensor; labels: Int32Array; loss: LossFunction },
  options: CheckOptions,
): CheckedGradient[] {
  const f = () => batch.loss(model.forward(batch.x), batch.labels).loss;
  return checkAll(f, () => {
    const { dlogits } = batch.loss(model.forward(batch.x), batch.labels);
    return analyticArrays(model.backward(dlogits), { x: batch.x, params: model.params() });
  }, { ...options, kinks: model.kinks?.bind(model) });
}

/**
 * Throws, listing every array whose worst error exceeds `tolerance`
 * (default 1e-6), or of which more than `maxSkipped` (default 10%) of the
 * probes crossed a kink, so a test shows all failures at once.
 */
export function assertGradientsMatch(
  results: CheckedGradient[],
  options: { tolerance?: number; maxSkipped?: number } = {},
): void {
  const tolerance = options.tolerance ?? 1e-6;
  const maxSkipped = options.maxSkipped ?? 0.1;
  const starved = results.filter((r) => r.skipped > maxSkipped * (r.probed + r.skipped));
  if (starved.length > 0) {
    throw new Error(
      `gradient check skipped too many probes at kinks: ${
        starved.map((r) => `${r.name} ${r.skipped} of ${r.probed + r.skipped}`).join(", ")
      }`,
    );
  }
  const bad = results.filter((r) => !(r.maxError <= tolerance));
  if (bad.length > 0) {
    throw new Error(
      `gradient check failed (tolerance ${tolerance}):\n` +
        bad.map((r) =>
          `  ${r.name}[${r.index}]: analytic ${r.analytic}, numerical ${r.numerical}, relative error ${
            r.maxError.toExponential(2)
          }`
        ).join("\n"),
    );
  }
}
