/**
 * Evaluation of a model over a whole image set.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import { batchOf, type ImageSet, imageSize, type PixelTransform } from "../data/mod.ts";
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
 * Runs the model forward over every image of `set` in order, on this thread.
 *
 * @param model the model (its backward is not used).
 * @param set the images and labels.
 * @returns the mean loss, accuracy, macro-F1 and confusion matrix, and each sample's prediction and loss.
 */
export function evaluate(model: Layer, set: ImageSet, options: EvaluateOptions): Evaluation {
  const results = { predicted: new Int32Array(set.count), losses: new Float64Array(set.count) };
  evaluateRange(model, set, { ...options, start: 0, end: set.count, into: results });
  return evaluationOf(set, results);
}

/** Each sample's predicted class and loss, in the set's order. */
export interface SampleResults {
  /** Each sample's predicted class. */
  predicted: Int32Array;
  /** Each sample's loss. */
  losses: Float64Array;
}

/**
 * Runs the model forward over images `start..end - 1` of `set`, in batches from `start`, writing each sample's
 * prediction and loss at its index in `into`: a share of an evaluation, whose samples do not depend on the others.
 *
 * @param model the model (its backward is not used).
 * @param set the images and labels.
 */
export function evaluateRange(
  model: Layer,
  set: ImageSet,
  options: EvaluateOptions & { start: number; end: number; into: SampleResults },
): void {
  const { start, end, into: results } = options;
  const batchSize = options.batchSize ?? 100;
  const backend = options.backend ?? tsBackend;
  const into = (options.dtype ?? "float32") === "float32"
    ? batchBuffer(backend, batchSize * imageSize(set))
    : undefined;
  for (let first = start; first < end; first += batchSize) {
    const last = Math.min(first + batchSize, end);
    backend.beginStep();
    const indices = Int32Array.from({ length: last - first }, (_, i) => first + i);
    const { x, labels } = batchOf(set, indices, { transform: options.transform, dtype: options.dtype, into });
    const result = options.loss(model.forward(x, { training: false }), labels);
    results.predicted.set(result.predicted, first);
    results.losses.set(result.losses, first);
  }
}

/**
 * The evaluation of a whole set from each sample's results: the loss summed in the set's order, so it does not
 * depend on how the forward passes were shared out.
 *
 * @param set the images and labels the results are of.
 * @param results each sample's prediction and loss.
 */
export function evaluationOf(set: ImageSet, results: SampleResults): Evaluation {
  const { predicted, losses } = results;
  let lossSum = 0;
  for (let i = 0; i < losses.length; i++) lossSum += losses[i]!;
  const confusion = confusionMatrix(predicted, set.labels, { classes: set.classes });
  const accuracy = accuracyOf(confusion);
  return { loss: lossSum / set.count, accuracy, macroF1: macroF1(confusion), confusion, predicted, losses };
}

/** Each backend's batch buffer for evaluations, kept from one evaluation to the next. */
const batchBuffers = new WeakMap<Backend, Float32Array>();

/**
 * A batch buffer of at least `length` floats in `backend`'s memory: the
 * kernels then read the batch where it is, and an evaluation allocates no
 * fresh memory per batch (touching new pages costs more than the copy).
 */
function batchBuffer(backend: Backend, length: number): Float32Array {
  let buffer = batchBuffers.get(backend);
  if (buffer === undefined || buffer.length < length) batchBuffers.set(backend, buffer = backend.allocate(length));
  return buffer;
}
