// An evaluation worker (see shared_evaluation.ts): builds a replica of the model, then runs the forward passes of
// the shares of sets it is sent, with the weights each request carries.
import { buildReplica, type BuiltReplica, errorText } from "./_replica.ts";
import type { EvaluationReply, EvaluationRequest, EvaluationWorkerInit, SharedImages } from "./shared_evaluation.ts";

const scope = globalThis as unknown as {
  postMessage(message: EvaluationReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<EvaluationWorkerInit | EvaluationRequest>) => void) | null;
};

let built: BuiltReplica | null = null;
const sets = new Map<number, SharedImages>();
let buffer: Float32Array = new Float32Array(0);

scope.onmessage = async ({ data }) => {
  try {
    if ("replica" in data) {
      built = await buildReplica(data.replica, { backend: data.backend, lossName: data.lossName });
      scope.postMessage({ sizes: built.model.params().map((p) => p.value.length) });
    } else {
      const reply = share(built!, data);
      scope.postMessage(reply, [reply.predicted.buffer, reply.losses.buffer]);
    }
  } catch (error) {
    scope.postMessage({ id: "id" in data ? data.id : undefined, error: errorText(error) });
  }
};

/** Runs samples `start..end - 1` of the request's set forward, in batches from `start`, as `evaluateRange` does. */
function share({ model, loss, backend }: BuiltReplica, request: EvaluationRequest) {
  const { id, start, end, batchSize } = request;
  if (request.images) sets.set(request.set, request.images);
  const { from, x, labels } = sets.get(request.set)!;
  model.params().forEach((p, k) => p.value.set(request.params[k]!));
  const size = x.length / labels.length;
  if (buffer.length < batchSize * size) buffer = backend.allocate(batchSize * size);
  const predicted = new Int32Array(end - start), losses = new Float64Array(end - start);
  for (let first = start; first < end; first += batchSize) {
    const n = Math.min(first + batchSize, end) - first, at = first - from;
    backend.beginStep();
    const data = buffer.subarray(0, n * size);
    data.set(x.subarray(at * size, (at + n) * size));
    const result = loss(
      model.forward({ data, shape: [n, ...model.inputShape] }, { training: false }),
      labels.subarray(at, at + n),
    );
    predicted.set(result.predicted, first - start);
    losses.set(result.losses, first - start);
  }
  return { id, predicted, losses };
}
