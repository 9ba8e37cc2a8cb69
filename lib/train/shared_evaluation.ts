/**
 * Evaluation on two cores: a Deno Worker with a replica of the model runs the
 * forward passes of the second half of each evaluated set while the main
 * thread runs the first half. Each sample's forward is independent of the
 * others, and the loss is summed over the samples in the set's order after
 * both halves are in, so the evaluation is the same to the bit as on one
 * thread. Training uses one core at batch 1, so the other is free for this.
 *
 * @module
 */
import type { Backend, BackendName } from "../backend/mod.ts";
import { batchOf, type ImageSet } from "../data/mod.ts";
import type { Layer } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import { evaluate, type EvaluateOptions, evaluateRange, type Evaluation, evaluationOf } from "./evaluate.ts";
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

/** The images of a worker's share of a set, as floats after the transform, sent once per set. */
export interface SharedImages {
  /** The index in the set of the first image. */
  from: number;
  /** The floats of images `from..count - 1`. */
  x: Float32Array;
  /** Their labels. */
  labels: Int32Array;
}

/** One evaluation request: the model's weights now, and the range of the set to run forward. */
export interface EvaluationRequest {
  /** Numbers the request; the reply carries it. */
  id: number;
  /** Which set (the worker keeps each set's images). */
  set: number;
  /** The set's images, the first time they are needed (or when the share starts elsewhere). */
  images?: SharedImages;
  /** Every parameter's value, in `params()` order. */
  params: Float32Array[];
  /** The range of samples, as indices into the set. */
  start: number;
  end: number;
  /** Samples per forward pass. */
  batchSize: number;
}

/** The worker's messages: its params' sizes when built, each request's results, or an error. */
export type EvaluationReply =
  | { sizes: number[] }
  | { id: number; predicted: Int32Array; losses: Float64Array }
  | { id?: number; error: string };

/** A worker that evaluates shares of sets; see {@linkcode startEvaluationHelper}. */
export interface EvaluationHelper {
  /**
   * As `evaluate()`, the second half of the set on the worker when it is ready (on this thread alone until then,
   * for small sets, and after the worker failed): the same results either way.
   */
  evaluate(model: Layer, set: ImageSet, options: EvaluateOptions): Promise<Evaluation>;
  /** Whether the worker is built and has not failed. */
  readonly ready: boolean;
  /** Why the worker failed, or null. */
  readonly failure: string | null;
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
  const pending = new Map<number, { resolve(reply: EvaluationReply): void; reject(error: Error): void }>();
  const state = { ready: false, failure: null as string | null, requests: 0 };
  const fail = (why: string) => {
    state.ready = false;
    state.failure ??= why;
    for (const { reject } of pending.values()) reject(new Error(why));
    pending.clear();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(event.message);
  };
  worker.onmessage = ({ data }: MessageEvent<EvaluationReply>) => {
    if ("sizes" in data) {
      if (String(data.sizes) === sizes) state.ready = state.failure === null;
      else fail(`built params of sizes ${data.sizes}, not ${sizes}`);
    } else if ("error" in data) fail(data.error);
    else pending.get(data.id)?.resolve(data), pending.delete(data.id);
  };
  const init: EvaluationWorkerInit = {
    replica: options.replica,
    backend: options.backend.name,
    lossName: options.loss.name,
  };
  worker.postMessage(init);
  const request = (message: Omit<EvaluationRequest, "id">) =>
    new Promise<EvaluationReply>((resolve, reject) => {
      const id = ++state.requests;
      pending.set(id, { resolve, reject });
      const images = message.images ? [message.images.x, message.images.labels] : [];
      const transfer = [...images, ...message.params].map((a) => a.buffer as ArrayBuffer);
      worker.postMessage({ ...message, id }, transfer);
    });
  const sent = new Map<ImageSet, { key: number; from: number }>();
  return {
    get ready() {
      return state.ready;
    },
    get failure() {
      return state.failure;
    },
    evaluate: (model, set, evaluation) => evaluateShared(model, set, { ...evaluation, state, fail, request, sent }),
    close: () => {
      fail("closed");
      worker.terminate();
    },
  };
}

/** The first half here, the second on the worker (or here too, when it cannot take it). */
async function evaluateShared(
  model: Layer,
  set: ImageSet,
  options: EvaluateOptions & {
    state: { ready: boolean };
    fail(why: string): void;
    request: (message: Omit<EvaluationRequest, "id">) => Promise<EvaluationReply>;
    sent: Map<ImageSet, { key: number; from: number }>;
  },
): Promise<Evaluation> {
  const { state, request, sent } = options;
  const batchSize = options.batchSize ?? 100;
  if (!state.ready || set.count < SHARED_EVALUATION_MIN || (options.dtype ?? "float32") !== "float32") {
    return evaluate(model, set, options);
  }
  // The split falls on a batch boundary: each thread's batches are the ones a single thread would form.
  const half = Math.ceil(set.count / 2 / batchSize) * batchSize;
  let known = sent.get(set);
  let images: SharedImages | undefined;
  if (known?.from !== half) {
    sent.set(set, known = { key: known?.key ?? sent.size + 1, from: half });
    const indices = Int32Array.from({ length: set.count - half }, (_, i) => half + i);
    const { x, labels } = batchOf(set, indices, { transform: options.transform });
    images = { from: half, x: x.data as Float32Array, labels };
  }
  const params = model.params().map((p) => Float32Array.from(p.value));
  const reply = request({ set: known.key, images, params, start: half, end: set.count, batchSize });
  reply.catch(() => {});
  const results = { predicted: new Int32Array(set.count), losses: new Float64Array(set.count) };
  evaluateRange(model, set, { ...options, start: 0, end: half, into: results });
  try {
    const share = await reply;
    if (!("losses" in share)) throw new Error("no results");
    // The worker's first batch once more here: a replica that computes otherwise is not used.
    const probe = { predicted: new Int32Array(set.count), losses: new Float64Array(set.count) };
    const end = Math.min(half + batchSize, set.count);
    evaluateRange(model, set, { ...options, start: half, end, into: probe });
    for (let i = half; i < end; i++) {
      if (!Object.is(probe.losses[i], share.losses[i - half]) || probe.predicted[i] !== share.predicted[i - half]) {
        throw new Error(`the worker's replica gave sample ${i} another loss`);
      }
    }
    results.predicted.set(share.predicted, half);
    results.losses.set(share.losses, half);
  } catch (error) {
    options.fail((error as Error).message);
    evaluateRange(model, set, { ...options, start: half, end: set.count, into: results });
  }
  return evaluationOf(set, results);
}
