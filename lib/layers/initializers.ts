/**
 * Weight initializers that can express each write-up's choice.
 *
 * @module
 */
import type { Rng } from "../rng/mod.ts";
import type { FloatArray } from "../tensor/mod.ts";

/** What an initializer knows about the parameter it fills. */
export interface InitContext {
  /** Inputs feeding one output: `C*KH*KW` for a convolution, `I` for a dense layer. */
  fanIn: number;
  /** Outputs one input feeds: `F*KH*KW` for a convolution, `O` for a dense layer. */
  fanOut: number;
  /** The generator to draw from. */
  rng: Rng;
}

/** Fills a parameter array in place. */
export interface Initializer {
  /** How it is written in a manifest, e.g. `normal/9`. */
  readonly name: string;
  /** Fills `target` (draws are made in index order, so results are reproducible). */
  fill(target: FloatArray, context: InitContext): void;
}

/**
 * Standard normal samples times `scale` (Bits&Brains: `randn * 1e-3`).
 *
 * @example
 * ```ts
 * import { gaussian } from "./initializers.ts";
 * gaussian(1e-3).name; // "normal*0.001"
 * ```
 */
export function gaussian(scale: number): Initializer {
  return {
    name: `normal*${scale}`,
    fill(target, { rng }) {
      for (let i = 0; i < target.length; i++) target[i] = rng.normal() * scale;
    },
  };
}

/**
 * Standard normal samples divided by a number or by the fan-in or fan-out:
 * Zhou's filters are `randn / 9` and his dense weights `randn / 1352`; the
 * two-conv write-up divides kernels by 25 and dense weights by their fan-in.
 */
export function gaussianOver(divisor: number | "fanIn" | "fanOut"): Initializer {
  return {
    name: `normal/${divisor}`,
    fill(target, context) {
      const d = divisor === "fanIn" ? context.fanIn : divisor === "fanOut" ? context.fanOut : divisor;
      for (let i = 0; i < target.length; i++) target[i] = context.rng.normal() / d;
    },
  };
}

/** All zeros. */
export function zerosInit(): Initializer {
  return { name: "zeros", fill: (target) => target.fill(0) };
}

/** Uniform in `[-limit, limit]` with `limit = sqrt(6 / (fanIn + fanOut))`: Keras' default, Glorot-uniform. */
export function glorotUniform(): Initializer {
  return {
    name: "glorot_uniform",
    fill(target, { fanIn, fanOut, rng }) {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < target.length; i++) target[i] = (rng.uniform() * 2 - 1) * limit;
    },
  };
}
