/**
 * The max-pooling layer.
 *
 * @module
 */
import { maxPool2dBackward, type MaxPool2dCache, maxPool2dForward } from "../kernels/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";
import { type Layer, requireCache } from "./layer.ts";

/** Max over `window` x `window` patches (stride defaults to the window); ties go to the first maximum. */
export class MaxPool2d implements Layer {
  readonly kind = "max_pool2d";
  readonly #window: [number, number];
  readonly #stride: [number, number];
  #cache: MaxPool2dCache | null = null;

  /** Takes `window` as a number or `[rows, cols]`; `stride` defaults to the window. */
  constructor(options: { window: number | readonly [number, number]; stride?: number | readonly [number, number] }) {
    this.#window = typeof options.window === "number" ? [options.window, options.window] : [...options.window];
    this.#stride = options.stride === undefined
      ? [...this.#window]
      : typeof options.stride === "number"
      ? [options.stride, options.stride]
      : [...options.stride];
  }

  forward(x: Tensor): Tensor {
    const { y, cache } = maxPool2dForward(x, { window: this.#window, stride: this.#stride });
    this.#cache = cache;
    return y;
  }

  backward(dy: Tensor): Tensor {
    return maxPool2dBackward(dy, requireCache(this.#cache, this.kind));
  }

  params(): Param[] {
    return [];
  }

  outputShape(input: readonly number[]): number[] {
    const [C, H, W] = input as [number, number, number];
    return [
      C,
      Math.floor((H - this.#window[0]) / this.#stride[0]) + 1,
      Math.floor((W - this.#window[1]) / this.#stride[1]) + 1,
    ];
  }

  kinks(): ArrayLike<number> {
    return this.#cache?.argmax ?? [];
  }

  describe(): string {
    return `max_pool2d ${this.#window.join("x")} stride ${this.#stride.join("x")}`;
  }
}
