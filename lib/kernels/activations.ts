/**
 * Element-wise activations and their gradients.
 *
 * @module
 */
import { type Tensor, zerosLike } from "../tensor/mod.ts";
import { exactExp } from "./exact_math.ts";

/**
 * `max(0, x)` element-wise, NaN propagating; the output doubles as the backward's cache.
 *
 * @returns `y` like `x`.
 */
export function reluForward(x: Tensor): Tensor {
  const xd = x.data;
  const y = zerosLike(xd);
  // "x < 0 ? 0 : x" rather than "x > 0 ? x : 0": a NaN passes through (as numpy's maximum
  // does), so a diverging run is caught at the loss instead of silently zeroed here.
  for (let i = 0; i < xd.length; i++) y[i] = xd[i]! < 0 ? 0 : xd[i]!;
  return { data: y, shape: [...x.shape] };
}

/**
 * Passes `dy` where the forward's output `y` was positive. At exactly 0 the
 * gradient is taken as 0.
 */
export function reluBackward(dy: Tensor, y: Tensor): Tensor {
  const dyd = dy.data, yd = y.data;
  const dx = zerosLike(dyd);
  for (let i = 0; i < dyd.length; i++) dx[i] = yd[i]! > 0 ? dyd[i]! : 0;
  return { data: dx, shape: [...dy.shape] };
}

/** The logistic function of one number, without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exactExp(-z));
  const e = exactExp(z);
  return e / (1 + e);
}

/** `1 / (1 + exp(-x))` element-wise; the output doubles as the backward's cache. */
export function sigmoidForward(x: Tensor): Tensor {
  const xd = x.data;
  const y = zerosLike(xd);
  for (let i = 0; i < xd.length; i++) y[i] = sigmoid(xd[i]!);
  return { data: y, shape: [...x.shape] };
}

/** `dy * y * (1 - y)`, with `y` the forward's output. */
export function sigmoidBackward(dy: Tensor, y: Tensor): Tensor {
  const dyd = dy.data, yd = y.data;
  const dx = zerosLike(dyd);
  for (let i = 0; i < dyd.length; i++) dx[i] = dyd[i]! * yd[i]! * (1 - yd[i]!);
  return { data: dx, shape: [...dy.shape] };
}
