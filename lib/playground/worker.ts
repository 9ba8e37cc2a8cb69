/**
 * The playground's Web Worker: a run of an experiment with the command line's arm settings, data limits, model,
 * optimizer, sample rng, training loop and metrics rows, on the `wasm` backend, its files kept in memory and posted
 * to the page with progress and pictures. The page steers it through shared flags `[stop, pause]` that the loop
 * reads before every step. A pause interrupts the loop, and resuming calls it again from where it stopped with the
 * same model, optimizer and rng, as `--resume` does: the rows are those of an uninterrupted run.
 *
 * @module
 */
import { type Backend, createBackend } from "../backend/mod.ts";
import { encodeCheckpoint } from "../checkpoint/mod.ts";
import { batchOf } from "../data/mod.ts";
import {
  armModel,
  type ArmPlan,
  armTrainer,
  checkpointMetadata,
  DEFAULT_BACKEND,
  deriveArmSettings,
  divergedAt,
  type Experiment,
  limitData,
  metricsRow,
  type PreparedData,
  startManifest,
} from "../experiment/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import { checkpointName, type Manifest, METRICS_HEADER, metricsLine, type MetricsRow, RUN_FILES } from "../run/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Tensor } from "../tensor/mod.ts";
import { DivergedError, InterruptedError, train, type TrainPosition, type TrainResult } from "../train/mod.ts";
import { fetchDataset } from "./dataset.ts";
import { pageMessage, pageSettings } from "./settings.ts";

/** The runtime a page records in the manifest: the browser instead of Deno. */
export type BrowserRuntime = Manifest["runtime"] & { browser: string };

/** What the page sends to start a run. */
export interface StartMessage {
  type: "start";
  experiment: string;
  /** The settings as query parameters under the flag names. */
  query: string;
  /** The serving address, ending in `/`. */
  base: string;
  /** The run's id, as the command line names a run folder. */
  runId: string;
  runtime: BrowserRuntime;
  git: Manifest["git"];
  /** `[stop, pause]`, shared with the page (or a plain array when the page is not cross-origin isolated). */
  flags: Int32Array;
}

/** Where an arm's training stands: the arm, its place among the arms, its steps done and in all. */
export interface Progress {
  arm: string;
  armIndex: number;
  arms: number;
  steps: number;
  totalSteps: number;
}

/** What the worker posts. */
export type WorkerMessage =
  | { type: "error"; message: string }
  | { type: "arm"; arm: string; description: string; summary: string; classNames: string[]; totalSteps: number }
  | { type: "row"; line: string; row: MetricsRow }
  | { type: "progress"; progress: Progress; stepsPerSecond: number }
  | { type: "probe"; filters: Tensor; maps: Tensor; images: Tensor }
  | { type: "evaluation"; arm: string; split: string; epoch: number; confusion: number[][]; accuracy: number }
  | { type: "files"; manifest: Manifest; checkpoint: { name: string; bytes: Uint8Array } | null }
  | { type: "done"; status: string; detail?: string; metrics: string };

/** How often the worker tells progress and pictures, in milliseconds. */
const PROGRESS_EVERY_MS = 200, PROBE_EVERY_MS = 600;
/** Evaluation images whose first-layer feature maps are shown, and how many maps. */
const PROBE_IMAGES = 4, PROBE_MAPS = 8;

type RowLog = Parameters<typeof metricsRow>[2];

/**
 * The training loop's yield after each row: a message to itself, a task at once, where a browser holds a chained
 * `setTimeout(0)` back 4 ms (longer than the 100 steps between two of zhou's rows at its default --log-every).
 */
function messageYield(): () => Promise<void> {
  const channel = new MessageChannel();
  let resolve = () => {};
  channel.port1.onmessage = () => resolve();
  return () => new Promise<void>((done) => (resolve = done, channel.port2.postMessage(0)));
}

/** A run under way: what it posts with, how it is steered, its manifest and `metrics.csv` so far, its clock. */
interface Session {
  experiment: Experiment;
  post: (message: WorkerMessage) => void;
  control: { stopped(): boolean; paused(): boolean; resumed(): Promise<void> };
  manifest: Manifest;
  metrics: string;
  clock: { start: number; paused: number };
}

/**
 * Listens for the page's start message and runs it.
 *
 * @param experiments the experiments the page offers.
 */
export function startWorker(experiments: readonly Experiment[]): void {
  let flags = new Int32Array(2);
  let resume: (() => void) | null = null;
  const post = (message: WorkerMessage) => (globalThis as unknown as Worker).postMessage(message);
  const control = {
    stopped: () => Atomics.load(flags, 0) !== 0,
    paused: () => Atomics.load(flags, 1) !== 0,
    resumed: () => new Promise<void>((resolve) => (resume = resolve)),
  };
  addEventListener("message", (event) => {
    const data = (event as MessageEvent).data;
    if (data.type === "flags" || data.type === "start") flags = data.flags; // unshared flags come as they change
    if (data.type === "resume") resume?.();
    if (data.type !== "start") return;
    const experiment = experiments.find((e) => e.name === data.experiment);
    const fail = (message: string) => {
      post({ type: "error", message });
      post({ type: "done", status: "failed", detail: message, metrics: "" });
    };
    if (!experiment) return fail(`playground: no experiment named ${data.experiment}`);
    run(experiment, data as StartMessage, { post, control }).catch((e) => fail(pageMessage(experiment, e)));
  });
}

/** Plans the arms as the command line does, runs them one after another, and posts the outcome. */
async function run(experiment: Experiment, start: StartMessage, steer: Pick<Session, "post" | "control">) {
  const { overrides, arms } = pageSettings(experiment, new URLSearchParams(start.query));
  const dataset = await fetchDataset(experiment.dataset, start.base);
  const plans: ArmPlan[] = deriveArmSettings(experiment, overrides, arms).map((arm) => ({
    ...arm,
    data: limitData(experiment.prepare(dataset, arm.settings), arm, (line) => console.warn(line)),
  }));
  const manifest = startManifest(experiment, {
    "run_id": start.runId,
    git: start.git,
    runtime: start.runtime,
    files: {
      metrics: RUN_FILES.metrics,
      ...Object.fromEntries(plans.map((p) => [p.name ? `model_${p.name}` : "model", checkpointName(p.name)])),
    },
    plans,
    dataset: dataset.record,
    started: new Date(),
  });
  const session: Session = { ...steer, experiment, manifest, metrics: METRICS_HEADER, clock: { start: 0, paused: 0 } };
  session.clock.start = performance.now();
  steer.post({ type: "files", manifest, checkpoint: null });
  try {
    for (const [index, plan] of plans.entries()) await trainArm(session, plan, { armIndex: index, arms: plans.length });
    manifest.status = "completed";
  } catch (error) {
    const stops = [[InterruptedError, "interrupted"], [DivergedError, "diverged"]] as const;
    manifest.status = stops.find(([kind]) => error instanceof kind)?.[1] ?? "failed";
    manifest.status_detail = (error as Error).message;
  }
  const ended = new Date();
  manifest.ended_at = ended.toISOString();
  manifest.wall_seconds = (ended.getTime() - Date.parse(manifest.started_at)) / 1000;
  steer.post({ type: "files", manifest, checkpoint: null });
  steer.post({ type: "done", status: manifest.status, detail: manifest.status_detail, metrics: session.metrics });
}

/** Appends a row to `metrics.csv` and posts it. */
function record(session: Session, arm: string, split: MetricsRow["split"], log: Omit<RowLog, "elapsedSeconds">) {
  const elapsedSeconds = (performance.now() - session.clock.start - session.clock.paused) / 1000;
  const row = metricsRow(arm, split, { ...log, elapsedSeconds }), line = metricsLine(row);
  session.metrics += line;
  session.post({ type: "row", line, row });
}

/** An arm under way: its plan, model and backend, its samples seen before it, and how it tells its state. */
interface ArmRun {
  plan: ArmPlan;
  model: Sequential;
  backend: Backend;
  before: number;
  /** Posts the manifest and a checkpoint after `epoch` whole epochs. */
  checkpoint: (epoch: number) => void;
  tell: ReturnType<typeof progressTeller>;
}

/** One arm: built, trained, its final metrics and checkpoint posted. */
async function trainArm(session: Session, plan: ArmPlan, place: { armIndex: number; arms: number }): Promise<void> {
  const { experiment, manifest, post } = session;
  const { name, settings, data } = plan;
  const backend = createBackend(settings.backend ?? DEFAULT_BACKEND, { warn: (line) => console.warn(line) });
  const model = armModel(experiment, plan, backend);
  manifest.models = { ...manifest.models, [name]: model.summary() };
  manifest.backends = { ...manifest.backends, [name]: backend.description };
  const totalSteps = Math.ceil(data.train.count / settings.batchSize) * settings.epochs;
  const { description } = plan, classNames = [...data.train.classNames];
  post({ type: "arm", arm: name, description, summary: model.summary(), classNames, totalSteps });
  const checkpoint = (epoch: number) => {
    const run = { experiment: experiment.name, arm: name, runId: manifest.run_id, settings, data, epoch };
    const bytes = encodeCheckpoint(model.params(), { metadata: checkpointMetadata(model, run) });
    post({ type: "files", manifest, checkpoint: { name: checkpointName(name), bytes } });
  };
  const tell = progressTeller(session, { plan, model, progress: { ...place, arm: name, steps: 0, totalSteps } });
  const before = manifest.samples_seen;
  const result = await trainThroughPauses(session, { plan, model, backend, before, checkpoint, tell })
    .finally(() => tell(0, true));
  manifest.samples_seen = before + result.samplesSeen;
  for (const [split, e] of Object.entries(result.final)) {
    const metrics = { loss: e.loss, accuracy: e.accuracy, "macro_f1": e.macroF1 };
    manifest.final_metrics[name ? `${name}/${split}` : split] = metrics;
  }
  checkpoint(settings.epochs);
}

/** The training loop, called again after each pause from where it stopped, its rows posted as they come. */
async function trainThroughPauses(session: Session, arm: ArmRun): Promise<TrainResult> {
  const { experiment, manifest, post, control, clock } = session;
  const { plan: { name, settings, data }, model, backend, before, checkpoint, tell } = arm;
  const { options } = armTrainer(experiment, { name, model, settings, backend });
  let steps = 0, from: TrainPosition | undefined;
  const yieldToEventLoop = messageYield();
  // Read by the loop before every step: counts the steps, tells them, and stops for a pause or a stop.
  const signal = {
    get aborted() {
      tell(steps++);
      return control.stopped() || control.paused();
    },
    reason: "paused",
  } as unknown as AbortSignal;
  for (;;) {
    try {
      return await train(model, data, {
        ...options,
        shareEvaluations: false, // the bundle has no second worker's module to start
        from,
        signal,
        yieldToEventLoop,
        onInterval: (log) => {
          record(session, name, "train", log);
          manifest.samples_seen = before + log.samplesSeen;
        },
        onEvaluation: (log) => {
          record(session, name, log.split as MetricsRow["split"], log);
          const { split, epoch, confusion, accuracy } = log;
          post({ type: "evaluation", arm: name, split, epoch, confusion, accuracy });
          if (split === data.evaluations.at(-1)?.split) checkpoint(epoch);
        },
      });
    } catch (error) {
      steps--; // the step the loop stopped before did not run
      if (error instanceof DivergedError) {
        const { steps, samplesSeen } = divergedAt({ settings, trainCount: data.train.count }, error);
        error.message += `; steps completed before it: ${steps}`;
        manifest.samples_seen = before + samplesSeen;
        const { epoch, step, loss } = error;
        record(session, name, "train", { epoch, step, samplesSeen, loss, accuracy: NaN });
      }
      if (!(error instanceof InterruptedError) || control.stopped()) {
        if (error instanceof InterruptedError) {
          error.message = "stopped in the page";
          if (error.position) manifest.samples_seen = before + error.position.samplesSeen;
          checkpoint(error.epoch - 1);
        }
        throw error;
      }
      from = error.position;
      const pausedAt = performance.now();
      await control.resumed();
      clock.paused += performance.now() - pausedAt;
    }
  }
}

/**
 * Tells the page, at most every {@linkcode PROGRESS_EVERY_MS}, where the arm stands and its rate, and every
 * {@linkcode PROBE_EVERY_MS} its pictures; `final` tells the pictures of the weights as they are now.
 */
function progressTeller(session: Session, arm: { plan: ArmPlan; model: Sequential; progress: Progress }) {
  const { plan, model, progress } = arm, { settings } = plan;
  // A copy of the first layer on the TypeScript kernels, so the run's own backend and weights are only read.
  const probe = session.experiment.model({ rng: createRng(0), dtype: "float32", arm: plan.name, settings });
  let told = 0, probed = 0, rate = { at: performance.now(), steps: 0, perSecond: 0 };
  return (steps: number, final = false) => {
    if (final) return session.post({ type: "probe", ...pictures(probe, model, plan.data) });
    if ((steps & 15) !== 0) return;
    const now = performance.now();
    if (now - told < PROGRESS_EVERY_MS) return;
    if (session.control.paused()) rate = { at: now, steps, perSecond: 0 };
    else if (now - rate.at > 500) rate = { at: now, steps, perSecond: (steps - rate.steps) / ((now - rate.at) / 1000) };
    told = now;
    session.post({ type: "progress", progress: { ...progress, steps }, stepsPerSecond: rate.perSecond });
    if (now - probed > PROBE_EVERY_MS) {
      probed = now;
      session.post({ type: "probe", ...pictures(probe, model, plan.data) });
    }
  };
}

/** The first layer's filters and its feature maps of a few evaluation images, on the probe's copy of the layer. */
function pictures(probe: Sequential, trained: Sequential, data: PreparedData) {
  const first = probe.layers[0]!, live = trained.layers[0]!;
  live.params().forEach((p, i) => first.params()[i]!.value.set(p.value));
  const kernel = live.params().find((p) => p.shape.length === 4);
  const set = data.evaluations.at(-1)!.set;
  const indices = Array.from({ length: Math.min(PROBE_IMAGES, set.count) }, (_, i) => i);
  const { x } = batchOf(set, indices, { transform: data.transform });
  const y = first.forward(x, { training: false });
  const [N, F, H, W] = y.shape as number[];
  const shown = Math.min(F!, PROBE_MAPS), plane = H! * W!;
  const maps = new Float32Array(N! * shown * plane);
  for (let n = 0; n < N!; n++) {
    for (let f = 0; f < shown; f++) {
      maps.set(y.data.subarray((n * F! + f) * plane, (n * F! + f + 1) * plane), (n * shown + f) * plane);
    }
  }
  const filters = kernel
    ? { data: Float32Array.from(kernel.value), shape: [...kernel.shape] }
    : { data: new Float32Array(), shape: [0] };
  return {
    filters,
    maps: { data: maps, shape: [N!, shown, H!, W!] },
    images: { data: Float32Array.from(x.data), shape: [...x.shape] },
  };
}
