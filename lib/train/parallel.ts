/**
 * Data-parallel training steps: each batch is split across the main thread
 * and Deno Workers, every thread computes the gradient of its share on a
 * replica of the model, and the shares' gradients are combined in a fixed
 * order, so the result never depends on timing.
 *
 * @module
 */
import type { Backend, BackendName } from "../backend/mod.ts";
import type { Layer } from "../layers/mod.ts";
import type { LossFunction, LossResult } from "../losses/mod.ts";
import type { Tensor } from "../tensor/mod.ts";

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

/** Per worker, five control words: go (the step to run, -1 to stop), done (the step done), start, count, batch size. */
export const GO = 0, DONE = 1, START = 2, COUNT = 3, SIZE = 4, WORDS = 5;

/** The memory the main thread and its workers share. */
export interface SharedStep {
  /** {@linkcode WORDS} control words per worker. */
  control: Int32Array;
  /** The batch's pixels, after the transform. */
  x: Float32Array;
  /** The batch's labels. */
  labels: Int32Array;
  /** The predicted class of each sample of the batch. */
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
  /** The shared memory. */
  shared: SharedStep;
  /** Which worker, from 0. */
  index: number;
  /** How to build the model. */
  replica: Replica;
  /** The backend to run on. */
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
  /** How the workers build their models. */
  replica: Replica;
  /** The main thread's backend; every worker runs one of the same name. */
  backend: Backend;
  /** The loss trained on. */
  loss: LossFunction;
  /** The largest batch. */
  batchSize: number;
  /** The floats of one sample. */
  sampleSize: number;
  /** Told, in one line, of more threads than cores (see {@linkcode threadsWarning}); default: stderr. */
  warn?: (line: string) => void;
}

/**
 * The warning when `threads` exceed the machine's cores, or null: threads
 * beyond the cores only take turns, so training gets slower and takes more
 * memory, not faster (64 threads on 2 cores took 25 s and 2.7 GB for what
 * took 0.2 s on 2).
 *
 * @param threads the threads training runs on, the main one included.
 * @param cores the cores this process may use; default `navigator.hardwareConcurrency`.
 */
export function threadsWarning(threads: number, cores: number = navigator.hardwareConcurrency): string | null {
  if (threads <= cores) return null;
  return `training on ${threads} threads with ${cores} cores: the threads take turns, so training is slower and takes \
more memory, not faster (use --threads ${cores} or fewer)`;
}

/**
 * Scales a share's loss gradient by `weight`, the share's fraction of the
 * batch: the share's parameter gradients then add up to the batch's mean.
 */
export function weighGradient(result: LossResult, weight: number): LossResult {
  const d = result.dlogits.data;
  for (let i = 0; i < d.length; i++) d[i]! *= weight;
  return result;
}

const shared = <T>(view: new (buffer: SharedArrayBuffer) => T, bytes: number): T =>
  new view(new SharedArrayBuffer(bytes));

/**
 * Starts `threads - 1` workers, each with a replica of `model`, and resolves
 * once all are ready. Of each batch of n samples, thread k takes the k-th
 * contiguous share of `ceil(n / threads)`, the main thread the first; each
 * share's gradient is weighed by its share of n and the sum is taken in
 * thread order, so it does not depend on timing.
 *
 * @param model the model being trained, on the main thread (float32 params).
 * @throws {Error} naming the worker, when a replica fails to load or differs from `model`.
 */
export async function startTeam(model: Layer, options: TeamOptions): Promise<Team> {
  const params = model.params(), workers: Worker[] = [], count = options.threads - 1;
  if (params.some((p) => p.fusedSgdLr !== undefined || !(p.value instanceof Float32Array))) {
    throw new RangeError(
      "train: threads > 1 needs float32 params and an optimizer that updates in step(), not fused SGD",
    );
  }
  const warning = threadsWarning(options.threads);
  if (warning !== null) (options.warn ?? ((line) => console.error(`warning: ${line}`)))(warning);
  const total = params.reduce((sum, p) => sum + p.value.length, 0);
  const memory: SharedStep = {
    control: shared(Int32Array, 4 * WORDS * count),
    x: shared(Float32Array, 4 * options.batchSize * options.sampleSize),
    labels: shared(Int32Array, 4 * options.batchSize),
    predicted: shared(Int32Array, 4 * options.batchSize),
    losses: shared(Float64Array, 8 * count),
    params: shared(Float32Array, 4 * total),
    grads: shared(Float32Array, 4 * total * count),
  };
  let fail!: (error: Error) => void;
  const failure = new Promise<never>((_, reject) => fail = reject);
  failure.catch(() => {});
  const close = () => {
    workers.forEach((worker, w) => {
      Atomics.store(memory.control, WORDS * w + GO, -1);
      Atomics.notify(memory.control, WORDS * w + GO);
      Atomics.notify(memory.control, WORDS * w + DONE);
      worker.terminate();
    });
  };
  try {
    const sizes = String(params.map((p) => p.value.length));
    const ready = Array.from({ length: count }, (_, index) => {
      const name = `train: worker ${index + 1} of ${count} (${options.replica.module}#${options.replica.export})`;
      const init: WorkerInit = {
        shared: memory,
        index,
        replica: options.replica,
        backend: options.backend.name,
        lossName: options.loss.name,
      };
      const { worker, ready } = spawn(init, (message) => {
        const error = message.error ??
          (String(message.sizes) === sizes ? null : `built params of sizes ${message.sizes}, not ${sizes}`);
        if (error !== null) fail(new Error(`${name} failed: ${error}`));
        return error === null;
      });
      workers.push(worker);
      return ready;
    });
    await Promise.race([Promise.all(ready), failure]);
  } catch (error) {
    close();
    throw error;
  }
  // Where a worker's gradients are copied to be added on the backend (in its memory, for the wasm one).
  const staging = options.backend.allocate(Math.max(...params.map((p) => p.grad.length)));
  const team = { ...options, memory, failure, staging, steps: 0 };
  return { step: (x, labels) => teamStep(model, team, x, labels), close };
}

/** A worker sent `init`; `ready` resolves when `check` passes its first message (errors go to `check` too). */
function spawn(init: WorkerInit, check: (message: { error?: string; sizes?: number[] }) => boolean) {
  const worker = new Worker(new URL("./_worker.ts", import.meta.url), { type: "module" });
  worker.onerror = (event) => {
    event.preventDefault();
    check({ error: event.message });
  };
  const ready = new Promise<void>((resolve) => {
    worker.onmessage = ({ data }) => check(data) && resolve();
  });
  worker.postMessage(init);
  return { worker, ready };
}

/** One step: hand the workers their shares, run the first share here, wait, add up the gradients. */
async function teamStep(
  model: Layer,
  team: TeamOptions & { memory: SharedStep; failure: Promise<never>; staging: Float32Array; steps: number },
  x: Tensor,
  labels: Int32Array,
): Promise<StepResult> {
  const { memory, threads } = team, { control } = memory, params = model.params();
  const n = labels.length, size = x.data.length / n, per = Math.ceil(n / threads);
  const step = team.steps = (team.steps % 0x3fffffff) + 1;
  const counts = Array.from({ length: threads }, (_, k) => Math.max(0, Math.min(n, (k + 1) * per) - k * per));
  memory.x.set(x.data.subarray(per * size), per * size);
  memory.labels.set(labels);
  let offset = 0;
  for (const p of params) {
    memory.params.set(p.value, offset);
    offset += p.value.length;
  }
  for (let w = 0; w < threads - 1; w++) {
    if (counts[w + 1] === 0) continue;
    control.set([(w + 1) * per, counts[w + 1]!, n], WORDS * w + START);
    Atomics.store(control, WORDS * w + GO, step);
    Atomics.notify(control, WORDS * w + GO);
  }
  const own = { data: x.data.subarray(0, counts[0]! * size), shape: [counts[0]!, ...x.shape.slice(1)] };
  const mine = weighGradient(
    team.loss(model.forward(own, { training: true }), labels.subarray(0, counts[0])),
    counts[0]! / n,
  );
  model.backward(mine.dlogits, { inputGradient: false });
  memory.predicted.set(mine.predicted);
  let lossSum = mine.loss * counts[0]!;
  for (let w = 0; w < threads - 1; w++) {
    if (counts[w + 1] === 0) continue;
    for (let done; (done = Atomics.load(control, WORDS * w + DONE)) !== step;) {
      const wait = Atomics.waitAsync(control, WORDS * w + DONE, done);
      if (wait.async) await Promise.race([wait.value, team.failure]);
    }
    lossSum += memory.losses[w]! * counts[w + 1]!;
    offset = w * memory.params.length;
    for (const p of params) {
      const g = team.staging.subarray(0, p.grad.length);
      g.set(memory.grads.subarray(offset, offset += p.grad.length));
      // grad - (-1) * g: an exact sum, on the backend's vector kernel.
      if (!p.frozen) team.backend.sgdUpdate(p.grad, g, -1);
    }
  }
  return { loss: lossSum / n, predicted: memory.predicted.subarray(0, n) };
}
