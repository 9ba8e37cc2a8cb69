/**
 * Parameter-free layers: ReLU, sigmoid and flatten.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import { type Param, sizeOf, type Tensor } from "../tensor/mod.ts";
import { type Layer, requireCache } from "./layer.ts";

/** `max(0, x)`; the gradient at exactly 0 is 0. */
export class Relu implements Layer {
  readonly kind = "relu";
  #y: Tensor | null = null;
  #backend: Backend = tsBackend;

  forward(x: Tensor): Tensor {
    this.#y = this.#backend.reluForward(x);
    return this.#y;
  }

  backward(dy: Tensor): Tensor {
    return this.#backend.reluBackward(dy, requireCache(this.#y, this.kind));
  }

  params(): Param[] {
    return [];
  }

  outputShape(input: readonly number[]): number[] {
    return [...input];
  }

  useBackend(backend: Backend): void {
    this.#backend = backend;
  }

  kinks(): ArrayLike<number> {
    const y = this.#y?.data ?? [];
    return Uint8Array.from(y, (v) => (v > 0 ? 1 : 0));
  }

  describe(): string {
    return "relu";
  }
}

/** The logistic function as a layer (losses take logits, so models rarely need it). */
export class Sigmoid implements Layer {
  readonly kind = "sigmoid";
  #y: Tensor | null = null;
  #backend: Backend = tsBackend;

  forward(x: Tensor): Tensor {
    this.#y = this.#backend.sigmoidForward(x);
    return this.#y;
  }

  backward(dy: Tensor): Tensor {
    return this.#backend.sigmoidBackward(dy, requireCache(this.#y, this.kind));
  }

  params(): Param[] {
    return [];
  }

  outputShape(input: readonly number[]): number[] {
    return [...input];
  }

  useBackend(backend: Backend): void {
    this.#backend = backend;
  }

  describe(): string {
    return "sigmoid";
  }
}

/** `[N, C, H, W]` to `[N, C*H*W]`, in CHW order; shares the data. */
export class Flatten implements Layer {
  readonly kind = "flatten";
  #inputShape: readonly number[] | null = null;

  forward(x: Tensor): Tensor {
    this.#inputShape = x.shape;
    const n = x.shape[0]!;
    return { data: x.data, shape: [n, x.data.length / n] };
  }

  backward(dy: Tensor): Tensor {
    return { data: dy.data, shape: [...requireCache(this.#inputShape, this.kind)] };
  }

  params(): Param[] {
    return [];
  }

  outputShape(input: readonly number[]): number[] {
    return [sizeOf(input)];
  }

  describe(): string {
    return "flatten";
  }
}
