/**
 * The one interface every layer has, so one trainer serves all of them.
 *
 * @module
 */
import { type DType, type Param, type Tensor, zerosOf } from "../tensor/mod.ts";

/** The surface of every layer. */
export interface Layer {
  /** What kind of layer, e.g. `conv2d`. */
  readonly kind: string;
  /** Computes the output and keeps what backward needs. */
  forward(x: Tensor): Tensor;
  /**
   * Given the gradient of the loss with respect to the last forward's
   * output, writes each parameter's `grad` (overwriting it) and returns the
   * gradient with respect to the input. Never changes parameter values.
   */
  backward(dy: Tensor): Tensor;
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
}

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
  let size = 1;
  for (const d of shape) size *= d;
  return {
    name,
    value: zerosOf(options.dtype, size),
    grad: zerosOf(options.dtype, size),
    shape: [...shape],
    frozen: options.frozen,
  };
}
