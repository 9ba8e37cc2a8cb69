/**
 * The pure steps of a run that a page shares with the command line: each
 * arm's settings, its data limits, its model, optimizer and sample rng, and
 * its metrics rows. Nothing here touches the file system, so the browser
 * playground runs the very same steps and writes the same rows.
 *
 * @module
 */
import type { Backend } from "../backend/mod.ts";
import { takeFirst } from "../data/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import { createOptimizer, hyperParameters, type Optimizer } from "../optim/mod.ts";
import type { MetricsRow } from "../run/mod.ts";
import { createRng, type Rng } from "../rng/mod.ts";
import type { Arm, Experiment, PreparedData } from "./experiment.ts";
import { type Settings, UsageError } from "./settings.ts";

/** An arm with the settings it runs with. */
export type ArmSettings = Arm & { settings: Settings };

/**
 * Each selected arm's settings: defaults, then the arm's own, then the flags, then the experiment's derivation.
 *
 * @param experiment the experiment.
 * @param overrides what the flags set.
 * @param selected the arms to run; empty for all.
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
 * Applies the train and test limits (first N images), which must not exceed the data; warns of a batch larger than it.
 *
 * @param data the arm's prepared data.
 * @param arm the arm and its settings.
 * @param warn told of a batch larger than the training set; default `console.error`.
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

/**
 * An arm's model with its initial draw, on `backend`.
 *
 * @param experiment builds the model.
 * @param arm the arm's name and settings.
 * @param backend the kernels it runs on.
 */
export function armModel(experiment: Experiment, arm: Omit<ArmSettings, "description">, backend: Backend): Sequential {
  const { name, settings } = arm;
  const model = experiment.model({ rng: createRng(settings.seed).fork(1), dtype: "float32", arm: name, settings });
  model.useBackend(backend);
  return model;
}

/**
 * An arm's optimizer and the rng that draws its sample order.
 *
 * @param model the arm's model, its weights as training starts.
 * @param settings the arm's settings.
 * @param backend the model's backend.
 */
export function armTrainer(
  model: Sequential,
  settings: Settings,
  backend: Backend,
): { optimizer: Optimizer; rng: Rng } {
  const split = settings.batchSize > 1 && (settings.threads ?? 1) > 1;
  const optimizer = createOptimizer(model.params(), settings, { backend, fused: !split });
  return { optimizer, rng: createRng(settings.seed).fork(2) };
}

/**
 * A row of `metrics.csv` (`metricsLine` of lib/run writes it).
 *
 * @param arm the arm's name.
 * @param split the row's split.
 * @param log where training stands and what it measured; `elapsedSeconds` since the run started.
 */
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

/**
 * Where a diverged arm stood: the steps and samples done before the non-finite loss.
 *
 * @param arm the arm's settings and its training set's size.
 * @param at the epoch and step of the non-finite loss.
 */
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
