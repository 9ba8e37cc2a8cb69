/**
 * The steps of a run that the browser playground shares with the command line (each arm's settings, data limits,
 * model, optimizer, sample rng, metrics rows and checkpoint metadata); nothing here touches the file system.
 *
 * @module
 */
import type { Backend } from "../backend/mod.ts";
import { type DatasetRecord, takeFirst, transformRecord } from "../data/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import { createOptimizer, hyperParameters, type Optimizer } from "../optim/mod.ts";
import type { Manifest, MetricsRow } from "../run/mod.ts";
import { createRng, type Rng } from "../rng/mod.ts";
import type { TrainOptions } from "../train/mod.ts";
import type { Arm, Experiment, PreparedData } from "./experiment.ts";
import { recordSettings } from "./outputs.ts";
import { type Settings, UsageError } from "./settings.ts";

/** An arm with the settings it runs with. */
export type ArmSettings = Arm & { settings: Settings };

/** An arm with its settings and its data, limited and transformed: what a run trains. */
export type ArmPlan = ArmSettings & { data: PreparedData };

/** The manifest a run starts with (status `running`), the same for the command line and the playground. */
export function startManifest(
  experiment: Experiment,
  run: Pick<Manifest, "run_id" | "git" | "runtime" | "files" | "command" | "init_from"> & {
    plans: ArmPlan[];
    dataset: DatasetRecord;
    started: Date;
  },
): Manifest {
  const { plans } = run;
  return {
    experiment: experiment.name,
    title: experiment.title,
    source: experiment.source,
    ...(experiment.reported && { reported: experiment.reported }),
    "run_id": run.run_id,
    ...(run.command && { command: run.command }),
    status: "running",
    settings: recordSettings(experiment, new Map(plans.map((p) => [p.name, p.settings]))),
    datasets: [run.dataset],
    git: run.git,
    runtime: run.runtime,
    "started_at": run.started.toISOString(),
    "ended_at": null,
    "wall_seconds": null,
    "samples_seen": 0,
    transforms: Object.fromEntries(plans.map((p) => [p.name, p.data.transform.name])),
    ...(run.init_from && { "init_from": run.init_from }),
    "final_metrics": {},
    files: run.files,
  };
}

/**
 * Each selected arm's (all when `selected` is empty) settings: defaults, then the arm's own, then `overrides` (the
 * flags), then the experiment's derivation.
 *
 * @throws {UsageError} when a hyper-parameter flag fits no arm's optimizer.
 */
export function deriveArmSettings(
  experiment: Experiment,
  overrides: Partial<Settings>,
  selected: string[],
): ArmSettings[] {
  const all: Arm[] = experiment.arms ?? [{ name: "", description: experiment.title }];
  const derive = experiment.deriveSettings ?? ((s: Settings) => s);
  const arms = all.filter((a) => selected.length === 0 || selected.includes(a.name)).map((arm) => {
    const flags = { ...experiment.defaults.flags, ...overrides.flags };
    const settings = derive({ ...experiment.defaults, ...arm.overrides, ...overrides, flags });
    return { ...arm, settings: { ...settings, hyper: hyperParameters(settings.optimizer, settings.hyper ?? {}) } };
  });
  for (const key of Object.keys(overrides.hyper ?? {})) {
    if (!arms.some((a) => key in a.settings.hyper!)) {
      const used = [...new Set(arms.map((a) => a.settings.optimizer))].join(", ");
      throw new UsageError(`--${key}: the optimizer of this run (${used}) has no hyper-parameter ${key}`);
    }
  }
  return arms;
}

/**
 * Applies the train and test limits (first N images); `warn` (default `console.error`) is told of a batch larger
 * than the training set.
 *
 * @throws {UsageError} when a limit exceeds the data.
 */
export function limitData(
  data: PreparedData,
  arm: ArmSettings,
  warn: (line: string) => void = (line) => console.error(line),
): PreparedData {
  const { trainLimit, testLimit, batchSize } = arm.settings;
  const label = arm.name ? ` (arm ${arm.name})` : "";
  const first = (flag: string, n: number | null, set: PreparedData["train"], what: string) => {
    if (n === null) return set;
    if (n > set.count) throw new UsageError(`--${flag}: got ${n}, but the ${what}${label} holds ${set.count} images`);
    return takeFirst(set, n);
  };
  const train = first("train-limit", trainLimit, data.train, "training set");
  if (batchSize > train.count) {
    warn(`warning: --batch-size ${batchSize} is larger than the ${train.count} training images${label}`);
  }
  const evaluations = data.evaluations.map((e) => ({ ...e, set: first("test-limit", testLimit, e.set, e.split) }));
  return { ...data, train, evaluations };
}

/** An arm's model with its initial draw (the same for every arm, so arms start equal), on `backend`. */
export function armModel(experiment: Experiment, arm: Omit<ArmSettings, "description">, backend: Backend): Sequential {
  const { name, settings } = arm;
  const model = experiment.model({ rng: createRng(settings.seed).fork(1), dtype: "float32", arm: name, settings });
  model.useBackend(backend);
  return model;
}

/**
 * An arm's optimizer (fused unless batches are split across threads), the rng that draws its sample order, and the
 * training options they go with: the command line's and the playground's alike.
 */
export function armTrainer(
  experiment: Experiment,
  arm: { name: string; model: Sequential; settings: Settings; backend: Backend },
): { optimizer: Optimizer; rng: Rng; options: TrainOptions } {
  const { name, model, settings, backend } = arm;
  const split = settings.batchSize > 1 && (settings.threads ?? 1) > 1;
  const optimizer = createOptimizer(model.params(), settings, { backend, fused: !split });
  const rng = createRng(settings.seed).fork(2);
  const options: TrainOptions = {
    ...settings,
    optimizer,
    // The workers build the arm's own model, as armModel() does.
    replica: experiment.replica && { ...experiment.replica, context: { arm: name, settings } },
    backend,
    loss: experiment.loss,
    rng,
  };
  return { optimizer, rng, options };
}

/** A row of `metrics.csv` (`metricsLine` of lib/run writes it); `elapsedSeconds` since the run started. */
export function metricsRow(
  arm: string,
  split: MetricsRow["split"],
  log: {
    epoch: number;
    step: number;
    samplesSeen: number;
    loss: number;
    accuracy: number;
    macroF1?: number;
    elapsedSeconds: number;
  },
): MetricsRow {
  return {
    arm,
    split,
    epoch: log.epoch,
    step: log.step,
    "samples_seen": log.samplesSeen,
    loss: log.loss,
    accuracy: log.accuracy,
    "macro_f1": log.macroF1 ?? null,
    "elapsed_s": log.elapsedSeconds,
  };
}

/** Where a diverged arm stood: the steps and samples done before the non-finite loss at `at`. */
export function divergedAt(
  arm: { settings: Settings; trainCount: number },
  at: { epoch: number; step: number },
): { steps: number; samplesSeen: number } {
  const { batchSize, order } = arm.settings;
  const stepsPerEpoch = Math.ceil(arm.trainCount / batchSize);
  const steps = (at.epoch - 1) * stepsPerEpoch + at.step - 1;
  const perEpoch = order === "with-replacement" ? stepsPerEpoch * batchSize : arm.trainCount;
  return { steps, samplesSeen: (at.epoch - 1) * perEpoch + (at.step - 1) * batchSize };
}

/**
 * A checkpoint's `__metadata__`, all strings: experiment, arm, run id, settings (JSON), seed, epochs done, steps per
 * epoch, model summary, pixel transform (JSON, with its statistics), class names (JSON) and the `--init-from` file
 * if any; enough for `deno task predict` to rebuild the model and its input.
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
