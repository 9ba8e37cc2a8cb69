// An evaluation worker (see shared_evaluation.ts): builds a replica of the model, then, for each request, takes
// batches of the set from the shared counter as the main thread does, runs them forward with the weights the
// request carries and puts their results in the shared arrays.
import { buildReplica, type BuiltReplica, errorText } from "./_replica.ts";
import type { EvaluationReply, EvaluationRequest, EvaluationWorkerInit, SharedImages } from "./shared_evaluation.ts";

const scope = globalThis as unknown as {
  postMessage(message: EvaluationReply): void;
  onmessage: ((event: MessageEvent<EvaluationWorkerInit | EvaluationRequest>) => void) | null;
};

let built: BuiltReplica | null = null;
const sets = new Map<number, SharedImages>();
let buffer: Float32Array = new Float32Array(0);

scope.onmessage = async ({ data }) => {
  try {
    if ("replica" in data) {
      built = await buildReplica(data.replica, { backend: data.backend, lossName: data.lossName });
      warmUp(built);
      scope.postMessage({ sizes: built.model.params().map((p) => p.value.length) });
    } else takeBatches(built!, data);
  } catch (error) {
    scope.postMessage({ id: "id" in data ? data.id : undefined, error: errorText(error) });
  }
};

/** Runs batches of the request's set forward until none is left, as `evaluateRange` runs one. */
function takeBatches({ model, loss, backend }: BuiltReplica, request: EvaluationRequest): void {
  const { batchSize, shared } = request;
  if (request.images) sets.set(request.set, request.images);
  const { x, labels } = sets.get(request.set)!;
  model.params().forEach((p, k) => p.value.set(request.params[k]!));
  const size = x.length / labels.length, count = labels.length, batches = shared.owner.length;
  if (buffer.length < batchSize * size) buffer = backend.allocate(batchSize * size);
  for (let k; (k = Atomics.add(shared.counters, 0, 1)) < batches;) {
    const first = k * batchSize, n = Math.min(count - first, batchSize);
    backend.beginStep();
    const data = buffer.subarray(0, n * size);
    data.set(x.subarray(first * size, (first + n) * size));
    const logits = model.forward({ data, shape: [n, ...model.inputShape] }, { training: false });
    const result = loss(logits, labels.subarray(first, first + n));
    shared.predicted.set(result.predicted, first);
    shared.losses.set(result.losses, first);
    Atomics.store(shared.owner, k, 1);
    Atomics.add(shared.counters, 1, 1);
    Atomics.notify(shared.counters, 1);
  }
}

/**
 * A few forward passes of blank images, while training still runs: V8 first runs WebAssembly from a quick
 * compile and moves hot functions to its optimising one as they run, so the first evaluation does not pay that.
 */
function warmUp({ model, loss, backend }: BuiltReplica): void {
  const n = 10, size = model.inputShape.reduce((a, b) => a * b, 1);
  const images = backend.allocate(n * size), labels = new Int32Array(n);
  for (let pass = 0; pass < 20; pass++) {
    backend.beginStep();
    loss(model.forward({ data: images, shape: [n, ...model.inputShape] }, { training: false }), labels);
  }
}
