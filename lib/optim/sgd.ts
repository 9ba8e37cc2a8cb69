/**
 * Plain stochastic gradient descent.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import type { Param } from "../tensor/mod.ts";
import type { Optimizer } from "./optimizer.ts";

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

  /** Keeps the params that are not frozen; `lr` is the learning rate; `backend` runs the update (default ts). */
  constructor(params: Param[], options: { lr: number; backend?: Backend }) {
    this.lr = options.lr;
    this.#params = params.filter((p) => !p.frozen);
    this.#backend = options.backend ?? tsBackend;
  }

  step(): void {
    for (const p of this.#params) this.#backend.sgdUpdate(p.value, p.grad, this.lr);
  }
}
