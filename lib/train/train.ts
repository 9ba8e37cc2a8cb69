/**
 * The training loop: one loop serves every model, loss and optimizer.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import { batchOf, type ImageSet, imageSize, type PixelTransform } from "../data/mod.ts";
import type { Layer } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { Optimizer } from "../optim/mod.ts";
import { type Rng, shuffleInPlace } from "../rng/mod.ts";
import type { DType, Tensor } from "../tensor/mod.ts";
import { DivergedError, InterruptedError } from "./errors.ts";
import { evaluate, type Evaluation } from "./evaluate.ts";
import { type Replica, startTeam, type StepResult, type Team } from "./parallel.ts";
import { type EvaluationHelper, SHARED_EVALUATION_MIN, startEvaluationHelper } from "./shared_evaluation.ts";

/**
 * The order samples are visited in:
 * - `"reshuffle"`: a fresh seeded permutation every epoch (Zhou);
 * - `"shuffle-once"`: one permutation before training, kept for every epoch (the two-conv write-up);
 * - `"with-replacement"`: each step draws its samples uniformly at random (the ablation write-up).
 */
export type SampleOrder = "reshuffle" | "shuffle-once" | "with-replacement";

/** One logging interval's training metrics. */
export interface IntervalLog {
  /** 1-based epoch. */
  epoch: number;
  /** Steps done in this epoch at the end of the interval. */
  step: number;
  /** Steps per epoch. */
  stepsPerEpoch: number;
  /** Training samples processed since training started. */
  samplesSeen: number;
  /** Mean loss over the interval's samples. */
  loss: number;
  /** Fraction of the interval's samples classified correctly (before the update). */
  accuracy: number;
  /** Samples in the interval. */
  intervalSamples: number;
  /** Seconds since training started. */
  elapsedSeconds: number;
}

/** One evaluation of one set, after an epoch. */
export interface EvaluationLog extends Evaluation {
  /** The set's name, e.g. `validation` or `test`. */
  split: string;
  /** 1-based epoch just finished. */
  epoch: number;
  /** Steps done in the epoch; always `stepsPerEpoch`, as evaluation runs at the epoch's end. */
  step: number;
  /** Training samples processed since training started. */
  samplesSeen: number;
  /** Seconds since training started. */
  elapsedSeconds: number;
}

/**
 * Where the loop stands between two steps: with the optimizer's state and the
 * rng's position (which the caller owns), enough to go on exactly as if it had not stopped.
 */
export interface TrainPosition {
  /** 1-based epoch under way (its sample order already drawn). */
  epoch: number;
  /** Steps done in that epoch. */
  step: number;
  /** Training samples processed since training started. */
  samplesSeen: number;
  /** The logging interval under way: summed loss, samples classified correctly, samples. */
  interval: { loss: number; correct: number; samples: number };
  /** The epoch's sample order (unused with `"with-replacement"`). */
  permutation: Int32Array;
}

/** The data to train on. */
export interface TrainData {
  /** The training images. */
  train: ImageSet;
  /** Bytes to floats, per batch. */
  transform: PixelTransform;
  /** Sets evaluated after every epoch, in order. */
  evaluations?: { split: string; set: ImageSet }[];
}

/** Options of {@linkcode train}. */
export interface TrainOptions {
  /** Number of epochs to train, each of `stepsPerEpoch` steps. */
  epochs: number;
  /** Samples per step; gradients are averaged over them. 1 is per-sample SGD. */
  batchSize: number;
  /** Updates the model's params after each backward pass. */
  optimizer: Optimizer;
  /** Turns logits and labels into the loss and its gradient. */
  loss: LossFunction;
  /** Draws the sample order; only the loop uses it. */
  rng: Rng;
  /** Default `"reshuffle"`. */
  order?: SampleOrder;
  /** Steps per epoch; default `ceil(train.count / batchSize)`. */
  stepsPerEpoch?: number;
  /** Steps per logging interval; default 100. The last interval of an epoch may be shorter. */
  logEvery?: number;
  /** Default float32. */
  dtype?: DType;
  /** The backend the model runs on (see `Sequential.useBackend`); default the TypeScript kernels. */
  backend?: Backend;
  /** Called as each epoch starts (1-based). */
  onEpochStart?: (epoch: number) => void;
  /** Called at the end of every logging interval. */
  onInterval?: (log: IntervalLog) => void;
  /** Called after each evaluation. */
  onEvaluation?: (log: EvaluationLog) => void;
  /** Stops training (with {@linkcode InterruptedError}) when aborted; checked every step. */
  signal?: AbortSignal;
  /**
   * Lets the event loop run after each interval; default a `setTimeout` of 0 (signal handlers run). A browser
   * clamps chained timeouts to 4 ms, a cost on every row: its Web Workers pass a quicker yield.
   */
  yieldToEventLoop?: () => Promise<void>;
  /**
   * Threads each batch is split across: the main thread plus `threads - 1`
   * Deno Workers (at most one per sample), which need `replica`, float32
   * params and an optimizer that updates in `step()` (not fused SGD).
   * Default 1; batches of one sample always run on the main thread alone.
   */
  threads?: number;
  /** How the workers build their copies of the model. */
  replica?: Replica;
  /**
   * Runs half of each evaluation of a set of 1,000 images or more on a worker (with `replica`), the other half
   * here: the same results, in about half the time. Default true where the machine has two cores or more.
   */
  shareEvaluations?: boolean;
  /** Told, in one line, of more threads than the machine has cores; default: printed to stderr. */
  warn?: (line: string) => void;
  /**
   * Go on from here (from an {@linkcode InterruptedError}'s `position`) instead of starting
   * afresh; the model, optimizer and `rng` must be restored to that moment too.
   */
  from?: TrainPosition;
}

/** What {@linkcode train} returns. */
export interface TrainResult {
  /** Training samples processed over the whole run. */
  samplesSeen: number;
  /** The last evaluation of each set, by split name. */
  final: Record<string, Evaluation>;
}

/**
 * Trains `model` in place.
 *
 * Every step: form a batch (bytes to floats), forward, loss, backward, one
 * optimizer step. A non-finite loss stops training with
 * {@linkcode DivergedError} before the update is applied. The loop yields to
 * the event loop after every interval so that signal handlers can run.
 * With `threads > 1` each batch is split across workers (see
 * `startTeam` in parallel.ts), which are terminated when training ends.
 *
 * @param model the model to train.
 * @param data the training set, pixel transform and evaluation sets.
 * @returns samples seen and the final evaluations.
 */
export async function train(model: Layer, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  const { batchSize, loss } = options;
  const backend = options.backend ?? tsBackend;
  const count = data.train.count;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`train: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (count === 0) throw new RangeError("train: the training set is empty");
  const stepsPerEpoch = options.stepsPerEpoch ?? Math.ceil(count / batchSize);
  const threads = Math.min(options.threads ?? 1, batchSize);
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`train: threads must be a positive integer, got ${options.threads}`);
  }
  if (threads > 1 && !options.replica) throw new RangeError("train: threads > 1 needs a replica for the workers");
  const team = threads > 1
    ? await startTeam(model, {
      threads,
      replica: options.replica!,
      backend,
      loss,
      batchSize,
      sampleSize: imageSize(data.train),
      warn: options.warn,
    })
    : null;
  const helper = evaluationHelper(model, data, { ...options, backend });
  try {
    return await loop(model, data, { ...options, stepsPerEpoch, team, helper });
  } finally {
    team?.close();
    helper?.close();
  }
}

/** The evaluation worker {@linkcode train} starts (see `shareEvaluations`), or null. */
function evaluationHelper(
  model: Layer,
  data: TrainData,
  options: TrainOptions & { backend: Backend },
): EvaluationHelper | null {
  const shares = (options.shareEvaluations ?? navigator.hardwareConcurrency >= 2) && options.replica !== undefined &&
    (options.dtype ?? "float32") === "float32" && model.params().every((p) => p.value instanceof Float32Array) &&
    (data.evaluations ?? []).some((e) => e.set.count >= SHARED_EVALUATION_MIN);
  try {
    return shares ? startEvaluationHelper(model, { ...options, replica: options.replica! }) : null;
  } catch {
    return null; // no Worker here: evaluations stay on this thread, with the same results
  }
}

type LoopOptions = TrainOptions & { stepsPerEpoch: number; team: Team | null; helper: EvaluationHelper | null };

/** The epochs of {@linkcode train}, on one thread or a team. */
async function loop(model: Layer, data: TrainData, options: LoopOptions): Promise<TrainResult> {
  const { loss, rng, stepsPerEpoch, from } = options;
  const order = options.order ?? "reshuffle";
  const logEvery = options.logEvery ?? 100;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const permutation = from?.permutation.slice() ?? Int32Array.from({ length: data.train.count }, (_, i) => i);
  if (order === "shuffle-once" && !from) shuffleInPlace(permutation, { rng });
  const at: TrainPosition = {
    epoch: from?.epoch ?? 1,
    step: 0,
    samplesSeen: from?.samplesSeen ?? 0,
    interval: { loss: 0, correct: 0, samples: 0 },
    permutation,
  };
  const final: Record<string, Evaluation> = {};
  const runSteps = stepRunner(model, at, {
    ...options,
    batchFor: batchMaker(data, { ...options, order, permutation }),
  });
  for (; at.epoch <= options.epochs; at.epoch++) {
    const resumed = at.epoch === from?.epoch;
    if (order === "reshuffle" && !resumed) shuffleInPlace(permutation, { rng });
    if (!resumed) options.onEpochStart?.(at.epoch);
    at.interval = resumed ? { ...from.interval } : { loss: 0, correct: 0, samples: 0 };
    for (let step = resumed ? from.step + 1 : 1; step <= stepsPerEpoch;) {
      // The interval ends at the next multiple of logEvery, or with the epoch.
      const last = Math.min(stepsPerEpoch, Math.ceil(step / logEvery) * logEvery);
      await runSteps(step, last);
      step = last + 1;
      const { epoch, samplesSeen, interval } = at;
      const [meanLoss, accuracy] = [interval.loss / interval.samples, interval.correct / interval.samples];
      options.onInterval?.({
        epoch,
        step: last,
        stepsPerEpoch,
        samplesSeen,
        loss: meanLoss,
        accuracy,
        intervalSamples: interval.samples,
        elapsedSeconds: elapsed(),
      });
      at.interval = { loss: 0, correct: 0, samples: 0 };
      await (options.yieldToEventLoop?.() ?? new Promise((resolve) => setTimeout(resolve, 0))); // Ctrl-C, SIGTERM
    }
    for (const { split, set } of data.evaluations ?? []) {
      const how = { transform: data.transform, loss, dtype: options.dtype, backend: options.backend };
      const result = options.helper ? await options.helper.evaluate(model, set, how) : evaluate(model, set, how);
      final[split] = result;
      const { epoch, samplesSeen } = at;
      options.onEvaluation?.({ ...result, split, epoch, step: stepsPerEpoch, samplesSeen, elapsedSeconds: elapsed() });
    }
  }
  return { samplesSeen: at.samplesSeen, final };
}

/**
 * Runs steps `first..last` of the epoch `at` stands at, updating `at`: each step checks for an abort (throwing
 * {@linkcode InterruptedError} with the position before it), forms its batch, runs forward and backward on this
 * thread or the team, checks the loss ({@linkcode DivergedError} before the update), then updates the params.
 */
function stepRunner(
  model: Layer,
  at: TrainPosition,
  options: LoopOptions & { batchFor: (step: number) => { x: Tensor; labels: Int32Array } },
): (first: number, last: number) => Promise<void> {
  const { optimizer, loss, team, batchFor, signal } = options;
  const checkAbort = (step: number) => {
    if (!signal?.aborted) return;
    const position = { ...at, step: step - 1, interval: { ...at.interval }, permutation: at.permutation.slice() };
    throw new InterruptedError(at.epoch, step, String(signal.reason ?? "aborted"), position);
  };
  const finish = (step: number, labels: Int32Array, result: StepResult) => {
    if (!Number.isFinite(result.loss)) throw new DivergedError(at.epoch, step, result.loss);
    optimizer.step();
    at.samplesSeen += labels.length;
    at.interval.samples += labels.length;
    at.interval.loss += result.loss * labels.length;
    for (let i = 0; i < labels.length; i++) if (result.predicted[i] === labels[i]) at.interval.correct++;
  };
  // A plain function for this thread: V8 cannot optimize a loop inside an async one.
  const localSteps = (first: number, last: number) => {
    for (let step = first; step <= last; step++) {
      checkAbort(step);
      const { x, labels } = batchFor(step);
      finish(step, labels, localStep(model, loss, x, labels));
    }
  };
  return async (first, last) => {
    if (!team) return localSteps(first, last);
    for (let step = first; step <= last; step++) {
      checkAbort(step);
      const { x, labels } = batchFor(step);
      finish(step, labels, await team.step(x, labels));
    }
  };
}

/**
 * The batch of each step, as floats, in the backend's fresh step: the permutation's slice of the step, or
 * (`with-replacement`) `batchSize` samples drawn from `rng`. One buffer serves every step, in the backend's memory
 * (float32); a new array each step costs more than converting the image. The forward keeps x only until the
 * backward of the same step.
 */
function batchMaker(
  data: TrainData,
  options: LoopOptions & { order: SampleOrder; permutation: Int32Array },
): (step: number) => { x: Tensor; labels: Int32Array } {
  const { batchSize, rng, order, permutation } = options;
  const backend = options.backend ?? tsBackend;
  const count = data.train.count;
  const into = (options.dtype ?? "float32") === "float32"
    ? backend.allocate(batchSize * imageSize(data.train))
    : undefined;
  const drawn = new Int32Array(batchSize);
  return (step) => {
    let indices: Int32Array;
    if (order === "with-replacement") {
      for (let i = 0; i < batchSize; i++) drawn[i] = rng.integer(count);
      indices = drawn;
    } else {
      const start = ((step - 1) * batchSize) % count;
      indices = permutation.subarray(start, Math.min(start + batchSize, count));
    }
    backend.beginStep();
    return batchOf(data.train, indices, { transform: data.transform, dtype: options.dtype, into });
  };
}

/** Forward, loss and backward of a batch on this thread. */
function localStep(model: Layer, loss: LossFunction, x: Tensor, labels: Int32Array): StepResult {
  const result = loss(model.forward(x, { training: true }), labels);
  // Nothing needs the gradient with respect to the images.
  model.backward(result.dlogits, { inputGradient: false });
  return result;
}
