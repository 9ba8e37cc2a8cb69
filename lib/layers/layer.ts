/**
 * The one interface every layer has, so one trainer serves all of them.
 *
 * @module
 */
import type { Backend } from "../backend/mod.ts";
import { type DType, type Param, sizeOf, type Tensor, zerosOf } from "../tensor/mod.ts";

/** Options of {@linkcode Layer.forward}. */
export interface ForwardOptions {
  /**
   * `true` while training (the loop's forward before backward), `false` for
   * evaluation and prediction; default false. Layers whose behaviour depends
   * on it (dropout, batch normalisation) read it; the present ones ignore it.
   */
  training?: boolean;
}

/** Options of {@linkcode Layer.backward}. */
export interface BackwardOptions {
  /**
   * `false`: the caller does not need the input gradient (the first layer of a
   * model), so a layer may skip computing it and return an empty tensor
   * (shape `[0]`). Default true.
   */
  inputGradient?: boolean;
}

/**
 * The surface of every layer.
 *
 * State a layer keeps but does not train (a batch normalisation's running
 * mean and variance) belongs in `params()` as a `Param` with `frozen: true`,
 * updated by the layer itself in a training forward, as Keras' non-trainable
 * weights are: optimizers then leave it alone, `Sequential` names it and
 * checkpoints save and restore it with the trained weights.
 */
export interface Layer {
  /** What kind of layer, e.g. `conv2d`. */
  readonly kind: string;
  /** Computes the output and keeps what backward needs; `options.training` tells training from evaluation. */
  forward(x: Tensor, options?: ForwardOptions): Tensor;
  /**
   * Given the gradient of the loss with respect to the last forward's
   * output, writes each parameter's `grad` (overwriting it) and returns the
   * gradient with respect to the input. Changes no parameter value, except
   * under fused SGD: a parameter whose `fusedSgdLr` is set is updated here,
   * `value -= fusedSgdLr * grad`, once its gradient is known and after the input
   * gradient has used the old value (its `grad` may then be left unwritten).
   * The optimizer's `step()` then updates only the other parameters.
   */
  backward(dy: Tensor, options?: BackwardOptions): Tensor;
  /** The layer's parameters (none for ReLU, pooling and flatten). */
  params(): Param[];
  /** The output shape of one sample (no batch dimension) for an input shape. */
  outputShape(input: readonly number[]): number[];
  /** One line describing the settings, e.g. `conv2d 8x3x3 valid, no bias`. */
  describe(): string;
  /**
   * The discrete choices the last forward made (max-pool switches, which
   * ReLUs were on), for layers that have any. Gradient checks compare them
   * before and after a probe, and skip a probe that crossed a kink, where the
   * function is not differentiable and finite differences mean nothing.
   */
  kinks?(): ArrayLike<number>;
  /**
   * Runs the layer's kernels on `backend` from now on, moving its float32
   * parameters into the backend's memory. Layers start on the TypeScript
   * reference kernels.
   */
  useBackend?(backend: Backend): void;
}

/** Moves float32 parameters' values and gradients into `backend`'s memory (float64 ones stay). */
export function moveParams(params: readonly Param[], backend: Backend): void {
  for (const p of params) {
    if (!(p.value instanceof Float32Array)) continue;
    const value = backend.allocate(p.value.length), grad = backend.allocate(p.grad.length);
    value.set(p.value);
    grad.set(p.grad);
    p.value = value;
    p.grad = grad;
  }
}

/** Applies the fused SGD update of every parameter that has one (see `Param.fusedSgdLr`). */
export function applyFusedSgd(params: readonly (Param | null)[], backend: Backend): void {
  for (const p of params) if (p?.fusedSgdLr !== undefined) backend.sgdUpdate(p.value, p.grad, p.fusedSgdLr);
}

/** The empty tensor a layer returns when no input gradient was asked for. */
export const noGradient: Tensor = { data: new Float32Array(0), shape: [0] };

/** Options every parametrised layer takes. */
export interface ParamOptions {
  /** The element type of the parameters; float64 for gradient checks. Default float32. */
  dtype?: DType;
  /** When true, the layer's parameters are frozen: optimizers never change them. */
  frozen?: boolean;
}

/** Throws a clear error when backward is called before forward. */
export function requireCache<T>(cache: T | null, kind: string): T {
  if (cache === null) throw new Error(`${kind}.backward: called before forward`);
  return cache;
}

/** A parameter of `shape` with zero value and gradient. */
export function makeParam(name: string, shape: readonly number[], options: { dtype: DType; frozen: boolean }): Param {
  const size = sizeOf(shape);
  return {
    name,
    value: zerosOf(options.dtype, size),
    grad: zerosOf(options.dtype, size),
    shape: [...shape],
    frozen: options.frozen,
  };
}
