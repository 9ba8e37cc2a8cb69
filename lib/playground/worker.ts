/**
 * The playground's Web Worker: loads the data, runs the session on the
 * `wasm` backend, and posts rows, progress, pictures and files to the page.
 * Steered through a shared pair of flags (stop, pause) that the loop reads
 * before every step, so pause and stop land at once.
 *
 * @module
 */
import { batchOf } from "../data/mod.ts";
import type { Experiment } from "../experiment/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import type { Manifest } from "../run/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Tensor } from "../tensor/mod.ts";
import { fetchDataset } from "./dataset.ts";
import {
  type ArmPlan,
  type BrowserRuntime,
  planArms,
  runSession,
  type SessionControl,
  type SessionProgress,
} from "./session.ts";
import { pageMessage, pageSettings } from "./settings.ts";

/** What the page sends to start a run. */
export interface StartMessage {
  type: "start";
  /** The experiment's name. */
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

/** What the worker posts. */
export type WorkerMessage =
  | { type: "error"; message: string }
  | { type: "arm"; arm: string; description: string; summary: string; classNames: string[]; totalSteps: number }
  | {
    type: "row";
    line: string;
    row: { arm: string; split: string; samples_seen: number; loss: number; accuracy: number };
  }
  | { type: "progress"; progress: SessionProgress; stepsPerSecond: number }
  | { type: "probe"; filters: Tensor; maps: Tensor; images: Tensor }
  | { type: "evaluation"; arm: string; split: string; epoch: number; confusion: number[][]; accuracy: number }
  | { type: "files"; manifest: Manifest; checkpoint: { name: string; bytes: Uint8Array } | null }
  | { type: "done"; status: string; detail?: string; metrics: string };

/** How often the worker tells progress and pictures, in milliseconds. */
const PROGRESS_EVERY_MS = 200, PROBE_EVERY_MS = 600;
/** Evaluation images whose first-layer feature maps are shown. */
const PROBE_IMAGES = 4, PROBE_MAPS = 8;

/**
 * Listens for the page's start message and runs it.
 *
 * @param experiments the experiments the page offers.
 */
export function startWorker(experiments: readonly Experiment[]): void {
  let flags = new Int32Array(2);
  let resume: (() => void) | null = null;
  const scope = globalThis as unknown as { postMessage(message: WorkerMessage): void };
  const post = (message: WorkerMessage) => scope.postMessage(message);
  const control: SessionControl = {
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
    if (!experiment) return fail(`playground: no experiment named ${data.experiment}`, post);
    run(experiment, data as StartMessage, { post, control }).catch((e) => fail(pageMessage(experiment, e), post));
  });
}

/** Tells the page the line the command line would print, and that the run failed. */
function fail(message: string, post: (message: WorkerMessage) => void): void {
  post({ type: "error", message });
  post({ type: "done", status: "failed", detail: message, metrics: "" });
}

async function run(
  experiment: Experiment,
  start: StartMessage,
  options: { post: (m: WorkerMessage) => void; control: SessionControl },
) {
  const { post, control } = options;
  const { overrides, arms } = pageSettings(experiment, new URLSearchParams(start.query));
  const dataset = await fetchDataset(experiment.dataset, start.base);
  const plans = planArms(experiment, { overrides, arms, dataset, warn: (line) => console.warn(line) });
  let told = 0, probed = 0, rate = { at: performance.now(), steps: 0, perSecond: 0 };
  let probe: { model: Sequential; plan: ArmPlan } | null = null;
  const outcome = await runSession(experiment, {
    plans,
    dataset: dataset.record,
    runId: start.runId,
    runtime: start.runtime,
    git: start.git,
    control,
    events: {
      onArmStart: (plan, model) => {
        const { name, description, settings, data } = plan;
        const totalSteps = Math.ceil(data.train.count / settings.batchSize) * settings.epochs;
        post({
          type: "arm",
          arm: name,
          description,
          summary: model.summary(),
          classNames: [...data.train.classNames],
          totalSteps,
        });
        probe = { plan, model: experiment.model({ rng: createRng(0), dtype: "float32", arm: name, settings }) };
        rate = { at: performance.now(), steps: 0, perSecond: 0 };
      },
      onStep: (progress, model) => {
        if ((progress.steps & 15) !== 0) return;
        const now = performance.now();
        if (now - told < PROGRESS_EVERY_MS) return;
        if (control.paused()) rate = { at: now, steps: progress.steps, perSecond: 0 };
        else if (now - rate.at > 500) {
          rate = {
            at: now,
            steps: progress.steps,
            perSecond: (progress.steps - rate.steps) / ((now - rate.at) / 1000),
          };
        }
        told = now;
        post({ type: "progress", progress: { ...progress }, stepsPerSecond: rate.perSecond });
        if (probe && now - probed > PROBE_EVERY_MS) {
          probed = now;
          post({ type: "probe", ...pictures(probe, model) });
        }
      },
      onRow: (row, line) => post({ type: "row", line, row }),
      onEvaluation: (plan, log) => {
        const { split, epoch, confusion, accuracy } = log;
        post({ type: "evaluation", arm: plan.name, split, epoch, confusion, accuracy });
      },
      onFiles: (manifest, checkpoint) => post({ type: "files", manifest: structuredClone(manifest), checkpoint }),
    },
  });
  if (probe) post({ type: "probe", ...pictures(probe, (probe as { model: Sequential }).model, true) });
  post({
    type: "done",
    status: outcome.manifest.status,
    detail: outcome.manifest.status_detail,
    metrics: outcome.metrics,
  });
}

/**
 * The first layer's filters and its feature maps of a few evaluation images, computed on a copy of the
 * layer on the TypeScript kernels, so the run's own backend and weights are only read.
 */
function pictures(probe: { model: Sequential; plan: ArmPlan }, trained: Sequential, final = false) {
  const first = probe.model.layers[0]!, live = trained.layers[0]!;
  if (!final) live.params().forEach((p, i) => first.params()[i]!.value.set(p.value));
  const kernel = live.params().find((p) => p.shape.length === 4);
  const set = probe.plan.data.evaluations.at(-1)!.set;
  const indices = Array.from({ length: Math.min(PROBE_IMAGES, set.count) }, (_, i) => i);
  const { x } = batchOf(set, indices, { transform: probe.plan.data.transform });
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
