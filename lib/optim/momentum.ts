/**
 * Stochastic gradient descent with (heavy-ball) momentum.
 *
 * @module
 */
import type { Param } from "../tensor/mod.ts";
import { buffersOf, restoreBuffers } from "./_state.ts";
import type { Optimizer, OptimizerState } from "./optimizer.ts";

/**
 * `v = momentum * v - lr * dw; w += v`, as Keras' SGD with momentum and cs231n's `sgd_momentum`.
 */
export class Momentum implements Optimizer {
  readonly name = "momentum";
  readonly lr: number;
  /** Decay of the velocity each step; default 0.9. */
  readonly momentum: number;
  readonly #params: Param[];
  readonly #velocity: Float64Array[];

  /** Keeps the params that are not frozen, each with a zero velocity; `momentum` defaults to 0.9. */
  constructor(params: Param[], options: { lr: number; momentum?: number }) {
    this.lr = options.lr;
    this.momentum = options.momentum ?? 0.9;
    this.#params = params.filter((p) => !p.frozen);
    this.#velocity = this.#params.map((p) => new Float64Array(p.value.length));
  }

  step(): void {
    const { lr, momentum } = this;
    this.#params.forEach((p, k) => {
      const w = p.value, g = p.grad, v = this.#velocity[k]!;
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i]! - lr * g[i]!;
        w[i] += v[i]!;
      }
    });
  }

  state(): OptimizerState {
    return { steps: 0, buffers: buffersOf(this.#params, { velocity: this.#velocity.map((a) => a.slice()) }) };
  }

  restore(state: OptimizerState): void {
    restoreBuffers(buffersOf(this.#params, { velocity: this.#velocity }), state, "momentum");
  }
}
