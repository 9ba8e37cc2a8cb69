/**
 * Adam, with Keras' defaults and update formula.
 *
 * @module
 */
import { exactPowInt } from "../kernels/mod.ts";
import type { Param } from "../tensor/mod.ts";
import { buffersOf, restoreBuffers } from "./_state.ts";
import type { Optimizer, OptimizerState } from "./optimizer.ts";

/** Options of {@linkcode Adam}; the defaults are Keras'. */
export interface AdamOptions {
  /** Default 0.001. */
  lr?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras; PyTorch uses 1e-8). */
  epsilon?: number;
}

/**
 * Adam as Keras computes it: with `t` the step count,
 * `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
 * `w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)`.
 * (Epsilon is added to the uncorrected `sqrt(v)`, which is where Keras and
 * the Adam paper's listing differ.)
 */
export class Adam implements Optimizer {
  readonly name = "adam";
  readonly lr: number;
  /** Decay of the first-moment (mean) estimate `m`. */
  readonly beta1: number;
  /** Decay of the second-moment (squared gradient) estimate `v`. */
  readonly beta2: number;
  /** Added to `sqrt(v)` in the denominator so it never divides by zero. */
  readonly epsilon: number;
  readonly #params: Param[];
  readonly #m: Float64Array[];
  readonly #v: Float64Array[];
  #t = 0;

  /** Keeps the params that are not frozen, each with zero moments; unset options take the Keras defaults. */
  constructor(params: Param[], options: AdamOptions = {}) {
    this.lr = options.lr ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.#params = params.filter((p) => !p.frozen);
    this.#m = this.#params.map((p) => new Float64Array(p.value.length));
    this.#v = this.#params.map((p) => new Float64Array(p.value.length));
  }

  step(): void {
    this.#t++;
    const { beta1, beta2, epsilon } = this;
    const alpha = this.lr * Math.sqrt(1 - exactPowInt(beta2, this.#t)) / (1 - exactPowInt(beta1, this.#t));
    this.#params.forEach((p, k) => {
      const w = p.value, g = p.grad, m = this.#m[k]!, v = this.#v[k]!;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        w[i] -= alpha * m[i]! / (Math.sqrt(v[i]!) + epsilon);
      }
    });
  }

  state(): OptimizerState {
    const copies = { m: this.#m.map((a) => a.slice()), v: this.#v.map((a) => a.slice()) };
    return { steps: this.#t, buffers: buffersOf(this.#params, copies) };
  }

  restore(state: OptimizerState): void {
    if (!(Number.isSafeInteger(state.steps) && state.steps >= 0)) {
      throw new Error(`adam: optimizer state does not fit: step count ${state.steps}`);
    }
    restoreBuffers(buffersOf(this.#params, { m: this.#m, v: this.#v }), state, "adam");
    this.#t = state.steps;
  }
}
