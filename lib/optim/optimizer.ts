/**
 * The shape every optimizer has: built from parameters, then `step()`.
 *
 * @module
 */
/** What an optimizer carries from step to step besides the weights, so a run can stop and go on exactly. */
export interface OptimizerState {
  /** Steps taken (Adam's `t`); 0 for an optimizer that does not count them. */
  steps: number;
  /** Per-parameter buffers by `<param name>.<buffer>`, e.g. `0.conv2d.weight.m`; none for plain SGD. */
  buffers: Record<string, Float64Array>;
}

/** Updates parameter values from their gradients; frozen parameters are never changed. */
export interface Optimizer {
  /** How it is written in a manifest, e.g. `sgd`. */
  readonly name: string;
  /** The learning rate. */
  readonly lr: number;
  /** Applies one update using each parameter's current `grad`. */
  step(): void;
  /** A copy of its state (see {@linkcode OptimizerState}). */
  state(): OptimizerState;
  /**
   * Takes up a state from {@linkcode Optimizer.state} of an optimizer built the same way.
   *
   * @throws {Error} naming the buffer that is missing, has the wrong length, or is not expected.
   */
  restore(state: OptimizerState): void;
}
