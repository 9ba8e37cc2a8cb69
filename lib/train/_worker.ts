// A training worker (see parallel.ts): builds a replica of the model, then runs the shares it is given,
// blocking on the shared control words between steps, until told to stop.
import type { Sequential } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import { buildReplica, errorText } from "./_replica.ts";
import { COUNT, DONE, GO, type SharedStep, SIZE, START, weighGradient, WORDS, type WorkerInit } from "./parallel.ts";

const scope = globalThis as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<WorkerInit>) => void) | null;
};

scope.onmessage = async ({ data: { shared, index, replica, backend: name, lossName } }) => {
  try {
    const { model, loss, backend } = await buildReplica(replica, { backend: name, lossName });
    scope.postMessage({ sizes: model.params().map((p) => p.value.length) });
    serve(model, { loss, beginStep: backend.beginStep, shared, index });
  } catch (error) {
    scope.postMessage({ error: errorText(error) });
  }
};

/** Runs steps until the go word is -1. */
function serve(
  model: Sequential,
  { loss, beginStep, shared, index }: { loss: LossFunction; beginStep(): void; shared: SharedStep; index: number },
): void {
  const { control } = shared, params = model.params(), total = shared.params.length;
  const size = shared.x.length / shared.labels.length;
  const at = WORDS * index;
  for (let seen = 0;;) {
    Atomics.wait(control, at + GO, seen);
    seen = Atomics.load(control, at + GO);
    if (seen < 0) return;
    const start = control[at + START]!, count = control[at + COUNT]!;
    beginStep();
    let offset = 0;
    for (const p of params) {
      p.value.set(shared.params.subarray(offset, offset + p.value.length));
      offset += p.value.length;
    }
    const x = { data: shared.x.slice(start * size, (start + count) * size), shape: [count, ...model.inputShape] };
    const result = weighGradient(
      loss(model.forward(x, { training: true }), shared.labels.slice(start, start + count)),
      count / control[at + SIZE]!,
    );
    model.backward(result.dlogits, { inputGradient: false });
    offset = index * total;
    for (const p of params) {
      shared.grads.set(p.grad, offset);
      offset += p.grad.length;
    }
    shared.predicted.set(result.predicted, start);
    shared.losses[index] = result.loss;
    Atomics.store(control, at + DONE, seen);
    Atomics.notify(control, at + DONE);
  }
}
