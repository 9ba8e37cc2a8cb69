/**
 * The 2-D convolution layer.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import { type Conv2dCache, type Conv2dGeometry, conv2dGeometry, type PaddingSpec } from "../kernels/mod.ts";
import type { Rng } from "../rng/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";
import { gaussianOver, type Initializer, zerosInit } from "./initializers.ts";
import {
  applyFusedSgd,
  type BackwardOptions,
  type Layer,
  makeParam,
  moveParams,
  noGradient,
  type ParamOptions,
  requireCache,
} from "./layer.ts";

/** Options of {@linkcode Conv2d}. */
export interface Conv2dLayerOptions extends ParamOptions {
  /** The per-sample input shape `[C, H, W]`. */
  input: readonly [number, number, number];
  /** The number of filters (output channels). */
  filters: number;
  /** The kernel size, square or `[rows, cols]`. */
  kernel: number | readonly [number, number];
  /** Default 1. */
  stride?: number | readonly [number, number];
  /** Default `"valid"`. */
  padding?: PaddingSpec;
  /**
   * `"channel"` (one per filter, the usual), `"position"` (one per output
   * pixel, as the two-conv Fashion write-up has) or `"none"`. Default `"channel"`.
   */
  bias?: "channel" | "position" | "none";
  /** Default `gaussianOver("fanIn")`. */
  kernelInit?: Initializer;
  /** Default zeros. */
  biasInit?: Initializer;
  /** Draws the initial weights. */
  rng: Rng;
}

/** A convolution with `filters` kernels over a `[C, H, W]` input. */
export class Conv2d implements Layer {
  readonly kind = "conv2d";
  /** The filters, `[F, C, KH, KW]`. */
  readonly kernel: Param;
  /** The bias, `[F]` per channel or `[F, OH, OW]` per position; null when `bias` is `"none"`. */
  readonly bias: Param | null;
  readonly #options: Conv2dLayerOptions;
  /** Stride, padding per side and output size, resolved for the layer's input. */
  readonly geometry: Conv2dGeometry;
  readonly #outShape: [number, number, number];
  #cache: Conv2dCache | null = null;
  /** The initializers' names, for describe(): `kernel, bias`. */
  readonly #init: string;
  #backend: Backend = tsBackend;

  /** Creates the kernel and bias and fills them with their initializers. */
  constructor(options: Conv2dLayerOptions) {
    this.#options = options;
    const [C, H, W] = options.input;
    const [KH, KW] = typeof options.kernel === "number" ? [options.kernel, options.kernel] : options.kernel;
    let geometry;
    try {
      geometry = conv2dGeometry([H, W], { kernel: [KH, KW], stride: options.stride, padding: options.padding });
    } catch {
      throw new RangeError(`Conv2d: a ${KH}x${KW} kernel does not fit the input ${C}x${H}x${W}`);
    }
    this.geometry = geometry;
    const { outHeight: OH, outWidth: OW } = geometry;
    this.#outShape = [options.filters, OH, OW];
    const dtype = options.dtype ?? "float32";
    const frozen = options.frozen ?? false;
    const F = options.filters;
    const context = { fanIn: C * KH * KW, fanOut: F * KH * KW, rng: options.rng };
    const kernelShape = [F, C, KH, KW];
    this.kernel = makeParam("kernel", kernelShape, { dtype, frozen });
    const kernelInit = options.kernelInit ?? gaussianOver("fanIn"), biasInit = options.biasInit ?? zerosInit();
    kernelInit.fill(this.kernel.value, context);
    const biasMode = options.bias ?? "channel";
    if (biasMode === "none") {
      this.bias = null;
    } else {
      this.bias = makeParam("bias", biasMode === "channel" ? [F] : [F, OH, OW], { dtype, frozen });
      biasInit.fill(this.bias.value, context);
    }
    this.#init = this.bias === null ? kernelInit.name : `${kernelInit.name}, ${biasInit.name}`;
  }

  forward(x: Tensor): Tensor {
    const o = this.#options;
    const { y, cache } = this.#backend.conv2dForward(x, { data: this.kernel.value, shape: this.kernel.shape }, {
      bias: this.bias === null ? null : { data: this.bias.value, shape: this.bias.shape },
      stride: o.stride,
      padding: o.padding,
    });
    this.#cache = cache;
    return y;
  }

  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const { dx } = this.#backend.conv2dBackward(dy, requireCache(this.#cache, this.kind), {
      dw: this.kernel.grad,
      db: this.bias?.grad,
      inputGradient: options.inputGradient,
    });
    applyFusedSgd([this.kernel, this.bias], this.#backend);
    return dx ?? noGradient;
  }

  useBackend(backend: Backend): void {
    this.#backend = backend;
    moveParams(this.params(), backend);
  }

  params(): Param[] {
    return this.bias === null ? [this.kernel] : [this.kernel, this.bias];
  }

  outputShape(): number[] {
    return [...this.#outShape];
  }

  describe(): string {
    const o = this.#options;
    const [F, C, KH, KW] = this.kernel.shape;
    const padding = typeof o.padding === "string" ? o.padding : JSON.stringify(o.padding ?? "valid");
    return `conv2d ${C}->${F} ${KH}x${KW} stride ${JSON.stringify(o.stride ?? 1)} padding ${padding}, bias ${
      o.bias ?? "channel"
    }, init ${this.#init}${this.kernel.frozen ? ", frozen" : ""}`;
  }
}
