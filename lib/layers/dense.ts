/**
 * The fully connected layer.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import type { DenseCache } from "../kernels/mod.ts";
import type { Rng } from "../rng/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";
import { gaussianOver, type Initializer, zerosInit } from "./initializers.ts";
import { applyFusedSgd, type Layer, makeParam, moveParams, type ParamOptions, requireCache } from "./layer.ts";

/** Options of {@linkcode Dense}. */
export interface DenseLayerOptions extends ParamOptions {
  /** The number of input features. */
  inputs: number;
  /** The number of outputs. */
  units: number;
  /** Default true. */
  bias?: boolean;
  /** Default `gaussianOver("fanIn")`. */
  weightInit?: Initializer;
  /** Default zeros. */
  biasInit?: Initializer;
  /** Draws the initial weights. */
  rng: Rng;
}

/** `y = x w + b`, from `[N, inputs]` to `[N, units]`. */
export class Dense implements Layer {
  readonly kind = "dense";
  /** The weights, `[inputs, units]`. */
  readonly weight: Param;
  /** The bias, `[units]`; null when `bias` is false. */
  readonly bias: Param | null;
  #cache: DenseCache | null = null;
  /** The initializers' names, for describe(): `weight, bias`. */
  readonly #init: string;
  #backend: Backend = tsBackend;

  /** Creates the weight and bias and fills them with their initializers. */
  constructor(options: DenseLayerOptions) {
    const dtype = options.dtype ?? "float32";
    const frozen = options.frozen ?? false;
    const context = { fanIn: options.inputs, fanOut: options.units, rng: options.rng };
    this.weight = makeParam("weight", [options.inputs, options.units], { dtype, frozen });
    const weightInit = options.weightInit ?? gaussianOver("fanIn"), biasInit = options.biasInit ?? zerosInit();
    weightInit.fill(this.weight.value, context);
    if (options.bias ?? true) {
      this.bias = makeParam("bias", [options.units], { dtype, frozen });
      biasInit.fill(this.bias.value, context);
    } else {
      this.bias = null;
    }
    this.#init = this.bias === null ? weightInit.name : `${weightInit.name}, ${biasInit.name}`;
  }

  forward(x: Tensor): Tensor {
    const { y, cache } = this.#backend.denseForward(x, { data: this.weight.value, shape: this.weight.shape }, {
      bias: this.bias === null ? null : { data: this.bias.value, shape: this.bias.shape },
    });
    this.#cache = cache;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const cache = requireCache(this.#cache, this.kind);
    const { weight, bias } = this;
    // The weight's fused update happens inside the kernel, where it saves two passes over the weights.
    const { dx } = this.#backend.denseBackward(dy, cache, {
      dw: weight.grad,
      db: bias?.grad,
      sgdLr: weight.fusedSgdLr,
    });
    applyFusedSgd([bias], this.#backend);
    return dx;
  }

  useBackend(backend: Backend): void {
    this.#backend = backend;
    moveParams(this.params(), backend);
  }

  params(): Param[] {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }

  outputShape(input: readonly number[]): number[] {
    if (input.length !== 1 || input[0] !== this.weight.shape[0]) {
      throw new RangeError(`Dense: expects ${this.weight.shape[0]} input features, got shape [${input.join(", ")}]`);
    }
    return [this.weight.shape[1]!];
  }

  describe(): string {
    const [I, O] = this.weight.shape;
    return `dense ${I}->${O}${this.bias === null ? ", no bias" : ""}, init ${this.#init}${
      this.weight.frozen ? ", frozen" : ""
    }`;
  }
}
