/**
 * Fully connected layer kernels: `y = x w + b` with `x` of shape `[N, I]`,
 * `w` of shape `[I, O]` (inputs by outputs, as cs231n and Keras store it)
 * and `b` of shape `[O]`.
 *
 * @module
 */
import { assertRank, formatShape, type Tensor, zerosLike } from "../tensor/mod.ts";
import type { GradientTargets } from "./conv2d.ts";
import { sgdUpdate } from "./sgd.ts";

/** What {@linkcode denseBackward} needs from the forward pass. */
export interface DenseCache {
  /** Input of the forward pass, `[N, I]`. */
  x: Tensor;
  /** Weights of the forward pass, `[I, O]`. */
  w: Tensor;
  /** Whether the forward added a bias, so the backward returns `db`. */
  hasBias: boolean;
}

/**
 * Checks the input, weights and bias of a dense layer against each other: what every backend's forward starts from.
 *
 * @throws {RangeError} naming the mismatch.
 */
export function denseSizes(
  x: Tensor,
  w: Tensor,
  options: { bias?: Tensor | null } = {},
): { N: number; I: number; O: number; bias: Tensor | null } {
  assertRank(x, 2, "denseForward x");
  assertRank(w, 2, "denseForward w");
  const [N, I] = x.shape as [number, number];
  const [WI, O] = w.shape as [number, number];
  if (WI !== I) {
    throw new RangeError(
      `denseForward: weights ${formatShape(w.shape)} expect ${WI} inputs, x ${formatShape(x.shape)} has ${I}`,
    );
  }
  const bias = options.bias ?? null;
  if (bias !== null && bias.data.length !== O) {
    throw new RangeError(`denseForward: bias must hold ${O} values, got ${bias.data.length}`);
  }
  return { N, I, O, bias };
}

/**
 * Computes `y = x w + b`.
 *
 * @param x `[N, I]`.
 * @param w `[I, O]`.
 * @param options `bias` of shape `[O]`, or null/absent for none.
 * @returns `y` of shape `[N, O]` and the cache.
 */
export function denseForward(
  x: Tensor,
  w: Tensor,
  options: { bias?: Tensor | null } = {},
): { y: Tensor; cache: DenseCache } {
  const { N, I, O, bias } = denseSizes(x, w, options);
  const xd = x.data, wd = w.data;
  const y = zerosLike(xd, N * O);
  for (let n = 0; n < N; n++) {
    const yRow = n * O;
    if (bias !== null) y.set(bias.data, yRow);
    for (let i = 0; i < I; i++) {
      const xv = xd[n * I + i]!;
      // After a ReLU many inputs are exactly zero; skipping them is the cheap part of sparsity.
      if (xv === 0) continue;
      const wRow = i * O;
      for (let o = 0; o < O; o++) y[yRow + o] += xv * wd[wRow + o]!;
    }
  }
  return { y: { data: y, shape: [N, O] }, cache: { x, w, hasBias: bias !== null } };
}

/**
 * The gradients of {@linkcode denseForward}.
 *
 * @param dy `[N, O]`.
 * @param cache from the forward pass.
 * @param options where to write `dw` and `db` (the input gradient is always computed); `sgdLr` also applies
 *   `w -= sgdLr * dw` to the weights (fused SGD), after `dx` is computed from the weights as they were.
 * @returns `dx` `[N, I]`, `dw` `[I, O]`, `db` `[O]` (null without a bias).
 */
export function denseBackward(
  dy: Tensor,
  cache: DenseCache,
  options: Omit<GradientTargets, "inputGradient"> & { sgdLr?: number } = {},
): { dx: Tensor; dw: Tensor; db: Tensor | null } {
  const { x, w } = cache;
  const [N, I] = x.shape as [number, number];
  const O = w.shape[1]!;
  if (dy.data.length !== N * O) {
    throw new RangeError(`denseBackward: dy has shape ${formatShape(dy.shape)}, expected ${N}x${O}`);
  }
  const xd = x.data, wd = w.data, dyd = dy.data;
  const dx = zerosLike(xd), dw = options.dw?.fill(0) ?? zerosLike(wd);
  const db = cache.hasBias ? options.db?.fill(0) ?? zerosLike(dyd, O) : null;
  for (let n = 0; n < N; n++) {
    const dyRow = n * O;
    if (db !== null) { for (let o = 0; o < O; o++) db[o] += dyd[dyRow + o]!; }
    for (let i = 0; i < I; i++) {
      const xv = xd[n * I + i]!;
      const wRow = i * O;
      let sum = 0;
      for (let o = 0; o < O; o++) {
        const g = dyd[dyRow + o]!;
        sum += g * wd[wRow + o]!;
        dw[wRow + o] += xv * g;
      }
      dx[n * I + i] = sum;
    }
  }
  if (options.sgdLr !== undefined) sgdUpdate(wd, dw, options.sgdLr);
  return {
    dx: { data: dx, shape: [N, I] },
    dw: { data: dw, shape: [I, O] },
    db: db === null ? null : { data: db, shape: [O] },
  };
}
