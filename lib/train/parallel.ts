/**
 * Data-parallel training steps: each batch is split across the main thread
 * and Deno Workers, every thread computes the gradient of its share on a
 * replica of the model, and the shares' gradients are combined in a fixed
 * order, so the result never depends on timing.
 *
 * @module
 */
import type { BackendName } from "../backend/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";

/**
 * How a worker builds a model identical to the one being trained: it imports
 * `module` and calls `model({ rng, dtype: "float32", ...context })` of the
 * export named `export` (an `Experiment` has that shape). The weights the
 * builder draws do not matter: the trained ones are copied in every step.
 */
export interface Replica {
  /** The URL of the module, e.g. an experiment file's `import.meta.url`. */
  module: string;
  /** The name of the export: an object with `model(context)` returning a `Sequential`, and `loss`. */
  export: string;
  /** The rest of the builder's context (e.g. `arm`, `settings`); structured-cloned to the workers. */
  context?: Record<string, unknown>;
}

/** Per worker, four control words: go (the step to run, -1 to stop), done (the step done), start, count. */
const GO = 0, DONE = 1, START = 2, COUNT = 3;

/** The memory the main thread and its workers share. */
export interface SharedStep {
  control: Int32Array;
  /** The batch's pixels, after the transform. */
  x: Float32Array;
  labels: Int32Array;
  predicted: Int32Array;
  /** Each worker's mean loss over its share. */
  losses: Float64Array;
  /** Every parameter's value, concatenated in `params()` order. */
  params: Float32Array;
  /** Each worker's gradients, laid out as `params`, one after another. */
  grads: Float32Array;
}

/** What a worker is sent once, before its first step. */
export interface WorkerInit {
  shared: SharedStep;
  /** Which worker, from 0. */
  index: number;
  replica: Replica;
  backend: BackendName;
  /** The loss function's name, checked against the replica's. */
  lossName: string;
}

/** The loss and predictions of a step whose gradients are in the model's params. */
export interface StepResult {
  /** The mean loss over the batch. */
  loss: number;
  /** The predicted class of each sample (valid until the next step). */
  predicted: Int32Array;
}

/** A running team of workers; see {@linkcode startTeam}. */
export interface Team {
  /** Forward and backward of one batch across the threads; leaves the combined gradient in each param's `grad`. */
  step(x: Tensor, labels: Int32Array): Promise<StepResult>;
  /** Stops and terminates the workers. */
  close(): void;
}

/** Options of {@linkcode startTeam}. */
export interface TeamOptions {
  /** Threads in all, the main one included (at least 2). */
  threads: number;
  replica: Replica;
  /** The backend every worker runs on (the main thread's). */
  backend: BackendName;
  loss: LossFunction;
  /** The largest batch and the floats of one sample. */
  batchSize: number;
  sampleSize: number;
}

const share = (view: new (buffer: SharedArrayBuffer) => unknown, bytes: number) =>
  new view(new SharedArrayBuffer(bytes));

/**
 * Starts `threads - 1` workers, each with a replica of `model`, and resolves
 * once all are ready. Thread k takes the k-th contiguous share of
 * `ceil(n / threads)` samples of each batch, the main thread the first; the
 * combined gradient is `sum_k (n_k / n) g_k`, summed in thread order.
 *
 * @param model the model being trained, on the main thread (float32 params).
 * @throws {Error} naming the worker, when a replica fails to load or differs from `model`.
 */
export async function startTeam(model: Sequential, options: TeamOptions): Promise<Team> {
  const params = model.params(), workers: Worker[] = [], count = options.threads - 1;
  if (params.some((p) => p.fusedSgdLr !== undefined || !(p.value instanceof Float32Array))) {
    throw new RangeError(
      "train: threads > 1 needs float32 params and an optimizer that updates in step(), not fused SGD",
    );
  }
  const total = params.reduce((sum, p) => sum + p.value.length, 0);
  const shared: SharedStep = {
    control: share(Int32Array, 16 * count) as Int32Array,
    x: share(Float32Array, 4 * options.batchSize * options.sampleSize) as Float32Array,
    labels: share(Int32Array, 4 * options.batchSize) as Int32Array,
    predicted: share(Int32Array, 4 * options.batchSize) as Int32Array,
    losses: share(Float64Array, 8 * count) as Float64Array,
    params: share(Float32Array, 4 * total) as Float32Array,
    grads: share(Float32Array, 4 * total * count) as Float32Array,
  };
  let fail!: (error: Error) => void;
  const failure = new Promise<never>((_, reject) => fail = reject);
  failure.catch(() => {});
  const close = () => {
    for (let w = 0; w < workers.length; w++) {
      Atomics.store(shared.control, 4 * w + GO, -1);
      Atomics.notify(shared.control, 4 * w + GO);
      Atomics.notify(shared.control, 4 * w + DONE);
      workers[w]!.terminate();
    }
  };
  try {
    const ready = Array.from({ length: count }, (_, index) => {
      const worker = new Worker(new URL("./_worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      const name = `train: worker ${index + 1} of ${count} (${options.replica.module}#${options.replica.export})`;
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(`${name} failed: ${event.message}`));
      };
      const init: WorkerInit = {
        shared,
        index,
        replica: options.replica,
        backend: options.backend,
        lossName: options.loss.name,
      };
      worker.postMessage(init);
      return new Promise<void>((resolve) => {
        worker.onmessage = ({ data }) => {
          if (data.error) fail(new Error(`${name} failed: ${data.error}`));
          else if (String(data.sizes) !== String(params.map((p) => p.value.length))) {
            fail(new Error(`${name} built params of sizes ${data.sizes}, not ${params.map((p) => p.value.length)}`));
          } else resolve();
        };
      });
    });
    await Promise.race([Promise.all(ready), failure]);
  } catch (error) {
    close();
    throw error;
  }
  const context = { ...options, shared, failure, steps: 0 };
  return { step: (x, labels) => teamStep(model, context, x, labels), close };
}

/** One step: hand the workers their shares, run the first share here, wait, combine. */
async function teamStep(
  model: Sequential,
  team: TeamOptions & { shared: SharedStep; failure: Promise<never>; steps: number },
  x: Tensor,
  labels: Int32Array,
): Promise<StepResult> {
  const { shared, threads } = team, { control } = shared, params = model.params();
  const n = labels.length, size = x.data.length / n, per = Math.ceil(n / threads);
  const step = team.steps = (team.steps % 0x3fffffff) + 1;
  const counts = Array.from({ length: threads }, (_, k) => Math.max(0, Math.min(n, (k + 1) * per) - k * per));
  shared.x.set(x.data.subarray(per * size), per * size);
  shared.labels.set(labels);
  let offset = 0;
  for (const p of params) {
    shared.params.set(p.value, offset);
    offset += p.value.length;
  }
  for (let w = 0; w < threads - 1; w++) {
    if (counts[w + 1] === 0) continue;
    control[4 * w + START] = (w + 1) * per;
    control[4 * w + COUNT] = counts[w + 1]!;
    Atomics.store(control, 4 * w + GO, step);
    Atomics.notify(control, 4 * w + GO);
  }
  const first = counts[0]!;
  const own = { data: x.data.subarray(0, first * size), shape: [first, ...x.shape.slice(1)] };
  const mine = team.loss(model.forward(own), labels.subarray(0, first));
  model.backward(mine.dlogits, { inputGradient: false });
  shared.predicted.set(mine.predicted);
  let lossSum = mine.loss * first;
  for (let w = 0; w < threads - 1; w++) {
    if (counts[w + 1] === 0) continue;
    for (let done; (done = Atomics.load(control, 4 * w + DONE)) !== step;) {
      const wait = Atomics.waitAsync(control, 4 * w + DONE, done);
      if (wait.async) await Promise.race([wait.value, team.failure]);
    }
    lossSum += shared.losses[w]! * counts[w + 1]!;
  }
  combine(params, shared, counts.map((c) => c / n));
  return { loss: lossSum / n, predicted: shared.predicted.subarray(0, n) };
}

/** `grad = sum_k weights[k] * g_k` in thread order, thread 0's `g` being the grad itself; frozen params are left. */
function combine(params: readonly Param[], shared: SharedStep, weights: number[]): void {
  const total = shared.params.length, grads = shared.grads;
  let offset = 0;
  for (const { grad, frozen } of params) {
    for (let i = 0; i < grad.length && !frozen; i++) {
      let sum = grad[i]! * weights[0]!;
      for (let k = 1; k < weights.length; k++) sum += grads[(k - 1) * total + offset + i]! * weights[k]!;
      grad[i] = sum;
    }
    offset += grad.length;
  }
}
