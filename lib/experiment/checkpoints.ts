/**
 * What a run's checkpoints record, and the
 * `--init-from` check that a checkpoint fits every arm before a run starts.
 *
 * @module
 */
import { type Checkpoint, loadCheckpoint, readCheckpoint } from "../checkpoint/mod.ts";
import { transformRecord } from "../data/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Experiment, PreparedData } from "./experiment.ts";
import { type Settings, UsageError } from "./settings.ts";

/**
 * Reads the `--init-from` checkpoint and checks it fits every arm's model.
 *
 * @param experiment builds each arm's model.
 * @param arms each arm's name and settings.
 * @param file the checkpoint.
 * @throws {UsageError} `--init-from: <file>: ...`, naming the tensor that does not fit.
 */
export function initialWeights(
  experiment: Experiment,
  arms: readonly { name: string; settings: Settings }[],
  file: string,
): Checkpoint {
  try {
    const checkpoint = readCheckpoint(file);
    for (const { name, settings } of arms) {
      const model = experiment.model({ rng: createRng(0), dtype: "float32", arm: name, settings });
      loadCheckpoint(checkpoint, model.params());
    }
    return checkpoint;
  } catch (error) {
    throw new UsageError(`--init-from: ${(error as Error).message}`);
  }
}

/**
 * A checkpoint's `__metadata__`, all strings: experiment, arm, run id, settings (JSON), seed, epochs done,
 * steps per epoch, model summary, pixel transform (JSON, with its statistics), class names (JSON) and the
 * `--init-from` file if any; enough for `deno task predict` to rebuild the model and its input.
 *
 * @param model the arm's model.
 * @param run what made it and how far it has trained.
 */
export function checkpointMetadata(
  model: Sequential,
  run: {
    experiment: string;
    arm: string;
    runId: string;
    settings: Settings;
    data: PreparedData;
    epoch: number;
    initFrom?: string;
  },
): Record<string, string> {
  const { settings, data } = run;
  return {
    experiment: run.experiment,
    arm: run.arm,
    "run_id": run.runId,
    settings: JSON.stringify(settings),
    seed: String(settings.seed),
    epoch: String(run.epoch),
    step: String(Math.ceil(data.train.count / settings.batchSize)),
    model: model.summary(),
    transform: transformRecord(data.transform),
    labels: JSON.stringify(data.train.classNames),
    ...(run.initFrom && { "init_from": run.initFrom }),
  };
}
