/**
 * A run of an experiment in a page (a Web Worker): the same arm settings,
 * data limits, model, optimizer, sample rng, training loop and metrics rows
 * as `deno task exp:NAME`, with the files kept in memory instead of a run
 * folder, and pause, resume and stop.
 *
 * Pausing interrupts the training loop between two steps and, on resume,
 * calls it again from where it stopped with the same model, optimizer and
 * rng, as `--resume` does: the rows are those of an uninterrupted run.
 *
 * @module
 */
import { createBackend } from "../backend/mod.ts";
import { encodeCheckpoint } from "../checkpoint/mod.ts";
import type { LoadedDataset } from "../data/mod.ts";
import {
  armModel,
  type ArmSettings,
  armTrainer,
  checkpointMetadata,
  DEFAULT_BACKEND,
  deriveArmSettings,
  divergedAt,
  type Experiment,
  limitData,
  metricsRow,
  type PreparedData,
  recordSettings,
  type Settings,
} from "../experiment/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import {
  checkpointName,
  type Manifest,
  METRICS_HEADER,
  metricsLine,
  type MetricsRow,
  RUN_FILES,
  type RunStatus,
} from "../run/mod.ts";
import {
  DivergedError,
  type EvaluationLog,
  InterruptedError,
  train,
  type TrainPosition,
  type TrainResult,
} from "../train/mod.ts";

/** Where training stands, told often (every step is counted, the telling is throttled by the caller). */
export interface SessionProgress {
  /** The arm under way ("" for single-arm experiments). */
  arm: string;
  /** Its place among the arms, from 0, and their number. */
  armIndex: number;
  arms: number;
  /** Steps done in the arm, and its steps in all. */
  steps: number;
  totalSteps: number;
}

/** What a session tells as it goes. */
export interface SessionEvents {
  /** An arm starts: its model's summary and the data it trains on. */
  onArmStart?(arm: ArmPlan, model: Sequential): void;
  /** Between two steps; `model` may be read, not changed. */
  onStep?(progress: SessionProgress, model: Sequential): void;
  /** A metrics row, with its line of `metrics.csv`. */
  onRow?(row: MetricsRow, line: string): void;
  /** An evaluation, with its confusion matrix. */
  onEvaluation?(arm: ArmPlan, log: EvaluationLog): void;
  /** The manifest changed (after each epoch and at the end); a checkpoint of the arm's model as it is now. */
  onFiles?(manifest: Manifest, checkpoint: { name: string; bytes: Uint8Array } | null): void;
}

/** How the page steers a session. */
export interface SessionControl {
  /** True once Stop was pressed. */
  stopped(): boolean;
  /** True while paused. */
  paused(): boolean;
  /** Resolves when resumed or stopped. */
  resumed(): Promise<void>;
}

/** An arm to train: its settings and its data after the limits. */
export interface ArmPlan extends ArmSettings {
  data: PreparedData;
}

/** What ends a session. */
export interface SessionOutcome {
  manifest: Manifest;
  metrics: string;
}

/** The runtime a page records in the manifest: the browser instead of Deno. */
export type BrowserRuntime = Manifest["runtime"] & { browser: string };

/**
 * The arms a page would run, checked as the command line checks them.
 *
 * @throws {UsageError} when a limit exceeds the data or a flag fits no arm.
 */
export function planArms(
  experiment: Experiment,
  options: { overrides: Partial<Settings>; arms: string[]; dataset: LoadedDataset; warn?: (line: string) => void },
): ArmPlan[] {
  return deriveArmSettings(experiment, options.overrides, options.arms).map((arm) => ({
    ...arm,
    data: limitData(experiment.prepare(options.dataset, arm.settings), arm, options.warn),
  }));
}

/**
 * Runs the arms one after another and returns the final manifest and `metrics.csv`.
 *
 * @param experiment the experiment.
 * @param options the arms, the dataset's record, the run's id, the runtime and git state, events and controls.
 */
export async function runSession(
  experiment: Experiment,
  options: {
    plans: ArmPlan[];
    dataset: LoadedDataset["record"];
    runId: string;
    runtime: BrowserRuntime;
    git: Manifest["git"];
    events: SessionEvents;
    control: SessionControl;
  },
): Promise<SessionOutcome> {
  const { plans, events } = options;
  const manifest = openManifest(experiment, options);
  let metrics = METRICS_HEADER;
  const clock = { start: performance.now(), paused: 0 };
  const elapsed = () => (performance.now() - clock.start - clock.paused) / 1000;
  const record = (arm: string, split: MetricsRow["split"], log: Parameters<typeof metricsRow>[2]) => {
    const row = metricsRow(arm, split, log), line = metricsLine(row);
    metrics += line;
    events.onRow?.(row, line);
  };
  events.onFiles?.(manifest, null);
  try {
    for (const [index, plan] of plans.entries()) {
      await trainArm(experiment, { plan, index, manifest, record, elapsed, clock, ...options });
    }
    manifest.status = "completed";
  } catch (error) {
    const stops = [[InterruptedError, "interrupted"], [DivergedError, "diverged"]] as const;
    manifest.status = stops.find(([kind]) => error instanceof kind)?.[1] ?? "failed" as RunStatus;
    manifest.status_detail = (error as Error).message;
  }
  const ended = new Date();
  manifest.ended_at = ended.toISOString();
  manifest.wall_seconds = (ended.getTime() - Date.parse(manifest.started_at)) / 1000;
  events.onFiles?.(manifest, null);
  return { manifest, metrics };
}

/** The manifest as a run starts (status `running`), as the command line writes it. */
function openManifest(
  experiment: Experiment,
  options: {
    plans: ArmPlan[];
    dataset: LoadedDataset["record"];
    runId: string;
    runtime: BrowserRuntime;
    git: Manifest["git"];
  },
): Manifest {
  const { plans } = options;
  return {
    experiment: experiment.name,
    title: experiment.title,
    source: experiment.source,
    ...(experiment.reported && { reported: experiment.reported }),
    "run_id": options.runId,
    status: "running",
    settings: recordSettings(experiment, new Map(plans.map((p) => [p.name, p.settings]))),
    datasets: [options.dataset],
    git: options.git,
    runtime: options.runtime,
    "started_at": new Date().toISOString(),
    "ended_at": null,
    "wall_seconds": null,
    "samples_seen": 0,
    transforms: Object.fromEntries(plans.map((p) => [p.name, p.data.transform.name])),
    "final_metrics": {},
    files: {
      metrics: RUN_FILES.metrics,
      ...Object.fromEntries(plans.map((p) => [p.name ? `model_${p.name}` : "model", checkpointName(p.name)])),
    },
  };
}

/** One arm: built, trained (through pauses), its final metrics and checkpoint told. */
async function trainArm(
  experiment: Experiment,
  run: {
    plan: ArmPlan;
    index: number;
    plans: ArmPlan[];
    manifest: Manifest;
    record: (arm: string, split: MetricsRow["split"], log: Parameters<typeof metricsRow>[2]) => void;
    elapsed: () => number;
    clock: { paused: number };
    events: SessionEvents;
    control: SessionControl;
  },
): Promise<void> {
  const { plan, manifest, events, control } = run;
  const { name, settings, data } = plan;
  const backend = createBackend(settings.backend ?? DEFAULT_BACKEND, { warn: (line) => console.warn(line) });
  const model = armModel(experiment, plan, backend);
  manifest.models = { ...manifest.models, [name]: model.summary() };
  manifest.backends = { ...manifest.backends, [name]: backend.description };
  events.onArmStart?.(plan, model);
  const before = manifest.samples_seen;
  const { optimizer, rng } = armTrainer(model, settings, backend);
  const stepsPerEpoch = Math.ceil(data.train.count / settings.batchSize);
  const progress = { arm: name, armIndex: run.index, arms: run.plans.length, steps: 0, totalSteps: 0 };
  progress.totalSteps = stepsPerEpoch * settings.epochs;
  const checkpoint = (epoch: number) => ({
    name: checkpointName(name),
    bytes: encodeCheckpoint(model.params(), {
      metadata: checkpointMetadata(model, {
        experiment: experiment.name,
        arm: name,
        runId: manifest.run_id,
        settings,
        data,
        epoch,
      }),
    }),
  });
  // Checked by the loop before every step: counts the steps, tells them, and stops for a pause or a stop.
  const signal = {
    get aborted() {
      events.onStep?.(progress, model);
      progress.steps++;
      return control.stopped() || control.paused();
    },
    reason: "paused",
  } as unknown as AbortSignal;
  let from: TrainPosition | undefined;
  let result: TrainResult | undefined;
  while (result === undefined) {
    try {
      result = await train(model, data, {
        ...settings,
        optimizer,
        replica: experiment.replica,
        backend,
        loss: experiment.loss,
        rng,
        from,
        signal,
        onInterval: (log) => {
          run.record(name, "train", { ...log, elapsedSeconds: run.elapsed() });
          manifest.samples_seen = before + log.samplesSeen;
        },
        onEvaluation: (log) => {
          run.record(name, log.split as MetricsRow["split"], { ...log, elapsedSeconds: run.elapsed() });
          events.onEvaluation?.(plan, log);
          if (log.split === data.evaluations.at(-1)?.split) events.onFiles?.(manifest, checkpoint(log.epoch));
        },
      });
    } catch (error) {
      progress.steps--; // the step the loop stopped before did not run
      if (error instanceof DivergedError) {
        const { steps, samplesSeen } = divergedAt({ settings, trainCount: data.train.count }, error);
        error.message += `; steps completed before it: ${steps}`;
        manifest.samples_seen = before + samplesSeen;
        const { epoch, step, loss } = error;
        run.record(name, "train", { epoch, step, samplesSeen, loss, accuracy: NaN, elapsedSeconds: run.elapsed() });
      }
      if (!(error instanceof InterruptedError) || control.stopped()) {
        if (error instanceof InterruptedError) {
          error.message = "stopped in the page";
          if (error.position) manifest.samples_seen = before + error.position.samplesSeen;
          events.onFiles?.(manifest, checkpoint(error.epoch - 1));
        }
        throw error;
      }
      from = error.position;
      const pausedAt = performance.now();
      await control.resumed();
      run.clock.paused += performance.now() - pausedAt;
    }
  }
  manifest.samples_seen = before + result.samplesSeen;
  for (const [split, e] of Object.entries(result.final)) {
    manifest.final_metrics[name ? `${name}/${split}` : split] = {
      loss: e.loss,
      accuracy: e.accuracy,
      macro_f1: e.macroF1,
    };
  }
  events.onFiles?.(manifest, checkpoint(settings.epochs));
}
