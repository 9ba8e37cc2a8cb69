/**
 * Evaluation of a model over a whole image set.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import { batchOf, type ImageSet, type PixelTransform } from "../data/mod.ts";
import type { Layer } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { DType } from "../tensor/mod.ts";
import { accuracyOf, confusionMatrix, macroF1 } from "./metrics.ts";

/** Loss, accuracy, macro-F1 and the confusion matrix of one set, and each sample's prediction and loss. */
export interface Evaluation {
  /** Mean loss per sample over the set. */
  loss: number;
  /** Fraction of samples classified correctly, 0 to 1. */
  accuracy: number;
  /** Unweighted mean of the per-class F1 scores, 0 to 1. */
  macroF1: number;
  /** `confusion[t][p]`: samples of true class t predicted as p. */
  confusion: number[][];
  /** Each sample's predicted class, in the set's order. */
  predicted: Int32Array;
  /** Each sample's loss, in the set's order (`exp(-loss)` is the true class's probability for a cross-entropy). */
  losses: Float64Array;
}

/** Options of {@linkcode evaluate}. */
export interface EvaluateOptions {
  /** Bytes to floats, as in training. */
  transform: PixelTransform;
  /** The loss the model trains with. */
  loss: LossFunction;
  /** Samples per forward pass; default 100 (results do not depend on it beyond float rounding). */
  batchSize?: number;
  /** Default float32. */
  dtype?: DType;
  /** The backend the model runs on; default the TypeScript kernels. */
  backend?: Backend;
}

/**
 * Runs the model forward over every image of `set` in order.
 *
 * @param model the model (its backward is not used).
 * @param set the images and labels.
 * @returns the mean loss, accuracy, macro-F1 and confusion matrix, and each sample's prediction and loss.
 */
export function evaluate(model: Layer, set: ImageSet, options: EvaluateOptions): Evaluation {
  const batchSize = options.batchSize ?? 100;
  const predicted = new Int32Array(set.count);
  const losses = new Float64Array(set.count);
  let lossSum = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const end = Math.min(start + batchSize, set.count);
    (options.backend ?? tsBackend).beginStep();
    const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const { x, labels } = batchOf(set, indices, { transform: options.transform, dtype: options.dtype });
    const result = options.loss(model.forward(x, { training: false }), labels);
    for (let i = 0; i < result.losses.length; i++) lossSum += result.losses[i]!;
    predicted.set(result.predicted, start);
    losses.set(result.losses, start);
  }
  const confusion = confusionMatrix(predicted, set.labels, { classes: set.classes });
  const accuracy = accuracyOf(confusion);
  return { loss: lossSum / set.count, accuracy, macroF1: macroF1(confusion), confusion, predicted, losses };
}
