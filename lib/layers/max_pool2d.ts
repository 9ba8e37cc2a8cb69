/**
 * The max-pooling layer.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import { type MaxPool2dCache, maxPool2dGeometry, type MaxPool2dOptions } from "../kernels/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";
import { type Layer, requireCache } from "./layer.ts";

/** Max over `window` x `window` patches (stride defaults to the window); ties go to the first maximum. */
export class MaxPool2d implements Layer {
  readonly kind = "max_pool2d";
  /** The window and stride, as given. */
  readonly options: MaxPool2dOptions;
  #cache: MaxPool2dCache | null = null;
  #backend: Backend = tsBackend;

  /** Takes `window` as a number or `[rows, cols]`; `stride` defaults to the window. */
  constructor(options: MaxPool2dOptions) {
    this.options = options;
  }

  forward(x: Tensor): Tensor {
    const { y, cache } = this.#backend.maxPool2dForward(x, this.options);
    this.#cache = cache;
    return y;
  }

  backward(dy: Tensor): Tensor {
    return this.#backend.maxPool2dBackward(dy, requireCache(this.#cache, this.kind));
  }

  params(): Param[] {
    return [];
  }

  outputShape(input: readonly number[]): number[] {
    const [C, H, W] = input as [number, number, number];
    const { outHeight, outWidth } = maxPool2dGeometry([H, W], this.options);
    return [C, outHeight, outWidth];
  }

  kinks(): ArrayLike<number> {
    return this.#cache?.argmax ?? [];
  }

  useBackend(backend: Backend): void {
    this.#backend = backend;
  }

  describe(): string {
    const { window, stride } = maxPool2dGeometry([Infinity, Infinity], this.options);
    return `max_pool2d ${window.join("x")} stride ${stride.join("x")}`;
  }
}
