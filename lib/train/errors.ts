/**
 * How a training run can stop early.
 *
 * @module
 */
import type { TrainPosition } from "./train.ts";

/** The loss became NaN or infinite. */
export class DivergedError extends Error {
  /** The 1-based epoch and step within it where the loss was not finite. */
  constructor(readonly epoch: number, readonly step: number, readonly loss: number) {
    super(`training diverged: loss ${loss} at epoch ${epoch}, step ${step}`);
    this.name = "DivergedError";
  }
}

/** The run was asked to stop (Ctrl-C, SIGTERM, or an aborted signal). */
export class InterruptedError extends Error {
  /**
   * Takes the 1-based epoch and step that was about to run, why training stopped, and
   * (from the training loop) where it stood, for a checkpoint to go on from.
   */
  constructor(readonly epoch: number, readonly step: number, reason: string, readonly position?: TrainPosition) {
    super(`training interrupted at epoch ${epoch}, step ${step}: ${reason}`);
    this.name = "InterruptedError";
  }
}
