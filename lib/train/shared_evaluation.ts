/**
 * Evaluation on two cores: the main thread and a Deno Worker with a replica
 * of the model take the batches of each evaluated set in turn from a shared
 * counter, so a worker slowed by a busy machine takes fewer. Each batch is
 * the one a single thread forms, each sample's forward is independent of
 * the others, and the loss is summed over the samples in the set's order
 * once all are in, so the evaluation is the same to the bit as on one
 * thread. Training uses one core at batch 1, so the other is free for this.
 *
 * @module
 */
import type { Backend, BackendName } from "../backend/mod.ts";
import { batchOf, type ImageSet } from "../data/mod.ts";
import type { Layer } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import {
  evaluate,
  type EvaluateOptions,
  evaluateRange,
  type Evaluation,
  evaluationOf,
  type SampleResults,
} from "./evaluate.ts";
import type { Replica } from "./parallel.ts";

/** Sets with fewer images are evaluated on the main thread alone (sharing them out would not pay). */
export const SHARED_EVALUATION_MIN = 1000;

/** What the evaluation worker is sent first. */
export interface EvaluationWorkerInit {
  /** How to build the model. */
  replica: Replica;
  /** The backend to run on. */
  backend: BackendName;
  /** The loss function's name, checked against the replica's. */
  lossName: string;
}

/** A set's images as floats after the transform, sent to the worker once per set. */
export interface SharedImages {
  /** The floats of every image. */
  x: Float32Array;
  /** The labels. */
  labels: Int32Array;
}

/** What the main thread and the worker share during one evaluation. */
export interface SharedBatches {
  /** Word 0: the next batch to take; word 1: batches the worker has finished. */
  counters: Int32Array;
  /** Per batch: 1 once the worker has its results in, 2 when the main thread took it. */
  owner: Uint8Array;
  /** Each sample's predicted class, from the worker's batches. */
  predicted: Int32Array;
  /** Each sample's loss, from the worker's batches. */
  losses: Float64Array;
}

/** One evaluation request: the model's weights now, and where the batches are taken. */
export interface EvaluationRequest {
  /** Numbers the request; an error names it. */
  id: number;
  /** Which set (the worker keeps each set's images). */
  set: number;
  /** The set's images, the first time they are needed. */
  images?: SharedImages;
  /** Every parameter's value, in `params()` order. */
  params: Float32Array[];
  /** Samples per forward pass. */
  batchSize: number;
  /** The shared counters and results. */
  shared: SharedBatches;
}

/** The worker's messages: its params' sizes when built, or an error. */
export type EvaluationReply = { sizes: number[] } | { id?: number; error: string };

/** A worker that evaluates shares of sets; see {@linkcode startEvaluationHelper}. */
export interface EvaluationHelper {
  /**
   * As `evaluate()`, the batches shared with the worker when it is ready (on this thread alone until then, for
   * small sets, and after the worker failed): the same results either way.
   */
  evaluate(model: Layer, set: ImageSet, options: EvaluateOptions): Promise<Evaluation>;
  /** Whether the worker is built and has not failed. */
  readonly ready: boolean;
  /** Why the worker failed, or null. */
  readonly failure: string | null;
  /** Batches the worker has run forward so far (and whose results were used). */
  readonly workerBatches: number;
  /** Terminates the worker. */
  close(): void;
}

/**
 * Starts an evaluation worker with a replica of `model` and returns at once:
 * the worker builds its model while training runs, and takes its share of
 * the evaluations from the first one after it is ready.
 *
 * @param model the model being trained (float32 params).
 */
export function startEvaluationHelper(
  model: Layer,
  options: { replica: Replica; backend: Backend; loss: LossFunction },
): EvaluationHelper {
  const worker = new Worker(new URL("./_eval_worker.ts", import.meta.url), { type: "module" });
  const sizes = String(model.params().map((p) => p.value.length));
  const state = { ready: false, failure: null as string | null, requests: 0, workerBatches: 0, failed: () => {} };
  const fail = (why: string) => {
    state.ready = false;
    state.failure ??= why;
    state.failed();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(event.message);
  };
  worker.onmessage = ({ data }: MessageEvent<EvaluationReply>) => {
    if ("sizes" in data) {
      if (String(data.sizes) === sizes) state.ready = state.failure === null;
      else fail(`built params of sizes ${data.sizes}, not ${sizes}`);
    } else fail(data.error);
  };
  const init: EvaluationWorkerInit = {
    replica: options.replica,
    backend: options.backend.name,
    lossName: options.loss.name,
  };
  worker.postMessage(init);
  const request = (message: Omit<EvaluationRequest, "id">) => {
    const images = message.images ? [message.images.x, message.images.labels] : [];
    const transfer = [...images, ...message.params].map((a) => a.buffer as ArrayBuffer);
    worker.postMessage({ ...message, id: ++state.requests }, transfer);
  };
  const sent = new Map<ImageSet, number>();
  return {
    get ready() {
      return state.ready;
    },
    get failure() {
      return state.failure;
    },
    get workerBatches() {
      return state.workerBatches;
    },
    evaluate: (model, set, evaluation) => evaluateShared(model, set, { ...evaluation, state, fail, request, sent }),
    close: () => {
      fail("closed");
      worker.terminate();
    },
  };
}

/** The set's batches taken in turn here and on the worker (here alone when it cannot take any). */
async function evaluateShared(
  model: Layer,
  set: ImageSet,
  options: EvaluateOptions & {
    state: { ready: boolean; workerBatches: number; failed: () => void };
    fail(why: string): void;
    request: (message: Omit<EvaluationRequest, "id">) => void;
    sent: Map<ImageSet, number>;
  },
): Promise<Evaluation> {
  const { state, sent } = options;
  const batchSize = options.batchSize ?? 100, count = set.count, batches = Math.ceil(count / batchSize);
  if (!state.ready || count < SHARED_EVALUATION_MIN || (options.dtype ?? "float32") !== "float32") {
    return evaluate(model, set, options);
  }
  let key = sent.get(set), images: SharedImages | undefined;
  if (key === undefined) {
    sent.set(set, key = sent.size + 1);
    const { x, labels } = batchOf(set, Int32Array.from({ length: count }, (_, i) => i), {
      transform: options.transform,
    });
    images = { x: x.data as Float32Array, labels };
  }
  const shared: SharedBatches = {
    counters: new Int32Array(new SharedArrayBuffer(8)),
    owner: new Uint8Array(new SharedArrayBuffer(batches)),
    predicted: new Int32Array(new SharedArrayBuffer(4 * count)),
    losses: new Float64Array(new SharedArrayBuffer(8 * count)),
  };
  const params = model.params().map((p) => Float32Array.from(p.value));
  options.request({ set: key, images, params, batchSize, shared });
  const results = { predicted: new Int32Array(count), losses: new Float64Array(count) };
  const range = (k: number, into: SampleResults = results) =>
    evaluateRange(model, set, { ...options, start: k * batchSize, end: Math.min(count, (k + 1) * batchSize), into });
  let mine = 0;
  for (let k; (k = Atomics.add(shared.counters, 0, 1)) < batches; mine++) {
    Atomics.store(shared.owner, k, 2);
    range(k);
  }
  if (await workerDone(shared, { batches: batches - mine, state })) {
    try {
      takeWorkerBatches(shared, { results, batchSize, probe: (k, into) => range(k, into) });
      state.workerBatches += batches - mine;
      return evaluationOf(set, results);
    } catch (error) {
      options.fail((error as Error).message);
    }
  }
  for (let k = 0; k < batches; k++) if (shared.owner[k] !== 2) range(k); // the worker's, here after all
  return evaluationOf(set, results);
}

/** Waits for the worker to finish the batches it took; false when it failed first. */
async function workerDone(
  shared: SharedBatches,
  options: { batches: number; state: { ready: boolean; failed: () => void } },
): Promise<boolean> {
  const failed = new Promise<void>((resolve) => options.state.failed = resolve);
  for (let done; (done = Atomics.load(shared.counters, 1)) < options.batches;) {
    if (!options.state.ready) return false;
    const wait = Atomics.waitAsync(shared.counters, 1, done);
    if (wait.async) await Promise.race([wait.value, failed]);
  }
  return true;
}

/**
 * Copies the worker's batches into `results`, after running its first batch here once more: a replica that
 * computes otherwise is not used.
 *
 * @throws {Error} when the worker's results of that batch differ from this thread's.
 */
function takeWorkerBatches(
  shared: SharedBatches,
  options: { results: SampleResults; batchSize: number; probe(k: number, into: SampleResults): void },
): void {
  const { results, batchSize } = options, count = results.losses.length;
  const first = shared.owner.indexOf(1);
  if (first >= 0) {
    const probe = { predicted: new Int32Array(count), losses: new Float64Array(count) };
    options.probe(first, probe);
    for (let i = first * batchSize; i < Math.min(count, (first + 1) * batchSize); i++) {
      if (!Object.is(probe.losses[i], shared.losses[i]) || probe.predicted[i] !== shared.predicted[i]) {
        throw new Error(`the worker's replica gave sample ${i} another loss`);
      }
    }
  }
  for (let k = 0; k * batchSize < count; k++) {
    if (shared.owner[k] !== 1) continue;
    const from = k * batchSize, to = Math.min(count, from + batchSize);
    results.predicted.set(shared.predicted.subarray(from, to), from);
    results.losses.set(shared.losses.subarray(from, to), from);
  }
}
