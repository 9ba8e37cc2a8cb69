// How a worker builds its copy of the model from a Replica (see parallel.ts); shared by the training and the
// evaluation workers.
import { type Backend, type BackendName, createBackend } from "../backend/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Replica } from "./parallel.ts";

/** A replica built in a worker: the model on its own backend, and the loss. */
export interface BuiltReplica {
  model: Sequential;
  loss: LossFunction;
  backend: Backend;
}

/**
 * Imports the replica's module and builds its model on a fresh backend.
 *
 * @throws {Error} when the export has no `model()` and `loss`, or its loss is not `lossName`.
 */
export async function buildReplica(
  replica: Replica,
  options: { backend: BackendName; lossName: string },
): Promise<BuiltReplica> {
  const builder = (await import(replica.module))[replica.export];
  if (typeof builder?.model !== "function" || typeof builder.loss !== "function") {
    throw new Error(`the module has no export ${replica.export} with model() and loss`);
  }
  if (builder.loss.name !== options.lossName) {
    throw new Error(`its loss is ${builder.loss.name}, not ${options.lossName}`);
  }
  const backend = createBackend(options.backend);
  const model: Sequential = builder.model({ rng: createRng(0), dtype: "float32", ...replica.context });
  model.useBackend(backend);
  return { model, loss: builder.loss as LossFunction, backend };
}

/** The text of an error a worker reports: its stack where it has one. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}
