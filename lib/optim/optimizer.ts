/**
 * The shape every optimizer has: built from parameters, then `step()`.
 *
 * @module
 */

/** Updates parameter values from their gradients; frozen parameters are never changed. */
export interface Optimizer {
  /** How it is written in a manifest, e.g. `sgd`. */
  readonly name: string;
  /** The learning rate. */
  readonly lr: number;
  /** Applies one update using each parameter's current `grad`. */
  step(): void;
}
