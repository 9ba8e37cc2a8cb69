/**
 * Plain stochastic gradient descent.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import type { Param } from "../tensor/mod.ts";
import { restoreBuffers } from "./_state.ts";
import type { Optimizer, OptimizerState } from "./optimizer.ts";

/**
 * `w -= lr * dw` for every parameter that is not frozen.
 *
 * @example
 * ```ts
 * import { Sgd } from "./sgd.ts";
 * const p = { name: "w", value: Float32Array.of(1), grad: Float32Array.of(2), shape: [1], frozen: false };
 * new Sgd([p], { lr: 0.1 }).step(); // p.value[0] is now 0.8 (to float32 precision)
 * ```
 */
export class Sgd implements Optimizer {
  readonly name = "sgd";
  readonly lr: number;
  readonly #params: Param[];
  readonly #backend: Backend;

  /**
   * Keeps the params that are not frozen; `lr` is the learning rate; `backend` runs the update (default ts).
   * `fused: true` hands each update to the layer's backward (`Param.fusedSgdLr`), which applies it as
   * soon as the gradient is known, with the same arithmetic; `step()` then has nothing left to do.
   */
  constructor(params: Param[], options: { lr: number; backend?: Backend; fused?: boolean }) {
    this.lr = options.lr;
    this.#params = params.filter((p) => !p.frozen);
    this.#backend = options.backend ?? tsBackend;
    if (options.fused) { for (const p of this.#params) p.fusedSgdLr = this.lr; }
  }

  step(): void {
    for (const p of this.#params) if (p.fusedSgdLr === undefined) this.#backend.sgdUpdate(p.value, p.grad, this.lr);
  }

  /** Plain SGD (fused or not) keeps nothing between steps. */
  state(): OptimizerState {
    return { steps: 0, buffers: {} };
  }

  restore(state: OptimizerState): void {
    restoreBuffers({}, state, "sgd");
  }
}
