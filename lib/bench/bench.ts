/**
 * Training-speed benchmarks: the real training loop (batch forming, forward, loss, backward, SGD update) of an
 * experiment's model, timed over rounds of steps, per backend and batch size.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import type { ImageSet, LoadedDataset, PixelTransform } from "../data/mod.ts";
import type { Experiment } from "../experiment/mod.ts";
import { Conv2d, Dense, type Sequential } from "../layers/mod.ts";
import { Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { type IntervalLog, train } from "../train/mod.ts";
import { stringify } from "csv-stringify/sync";
import { textTable } from "../report/mod.ts";
import { causeOf, writeAtomically, type WriteFile } from "../_fs.ts";

/** One core's 128-bit peak here: 2.25 GHz x 2 FMA pipes x 4 lanes x 2 FLOP. */
export const PEAK_GFLOPS_PER_CORE = 36;

/** One row of `results/bench/*.csv`. */
export interface BenchRow {
  /** The experiment whose network was trained. */
  network: string;
  /** `wasm`, `ts`, or a TensorFlow.js backend. */
  backend: string;
  /** Images per step. */
  batch: number;
  /** Threads each batch was split across. */
  threads: number;
  /** Median over rounds of the mean wall time of one training step, in µs. */
  "us_per_step_median": number;
  /** Training images per second at that median. */
  "images_per_s": number;
  /** Seconds a 60,000-image epoch would take, evaluations not counted. */
  "epoch_s_projected": number;
  /** Training FLOP per second (see {@linkcode trainingFlops}), in billions. */
  gflops: number;
  /** `gflops` over one core's peak, {@linkcode PEAK_GFLOPS_PER_CORE}. */
  "fraction_of_peak": number;
  /** The process's peak resident memory so far (workers included), in MB. */
  "peak_rss_mb": number;
}

/**
 * The floating-point operations of one training image: forward, weight gradient and input gradient of every
 * convolution and dense layer (the first layer's input gradient is not computed), two per multiply-add.
 */
export function trainingFlops(model: Sequential): number {
  let shape: readonly number[] = model.inputShape, macs = 0, first = true;
  for (const layer of model.layers) {
    const out = layer.outputShape(shape);
    let layerMacs = 0;
    if (layer instanceof Conv2d) {
      const [, C, KH, KW] = layer.kernel.shape as [number, number, number, number];
      layerMacs = out[0]! * out[1]! * out[2]! * C * KH * KW;
    } else if (layer instanceof Dense) {
      layerMacs = layer.weight.value.length;
    }
    if (layerMacs > 0) {
      macs += layerMacs * (first ? 2 : 3);
      first = false;
    }
    shape = out;
  }
  return 2 * macs;
}

/** The process's peak resident memory in MB (VmHWM), or its current one where /proc is not readable. */
export function peakRssMb(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/status").split("\n").find((l) => l.startsWith("VmHWM:"));
    if (line) return Number(line.split(/\s+/)[1]) / 1024;
  } catch { /* not Linux, or no permission */ }
  return Deno.memoryUsage().rss / 2 ** 20;
}

/** The TensorFlow.js backends `deno task bench --compare-tfjs` compares. */
export type TfjsBackend = "tfjs-cpu" | "tfjs-wasm";

/** Options of {@linkcode BenchmarkTfjs}. */
export interface TfjsBenchOptions {
  /** The TensorFlow.js backend. */
  backend: TfjsBackend;
  /** The training images and their pixel transform. */
  data: { train: ImageSet; transform: PixelTransform };
  /** The network's name, for the row. */
  network: string;
  /** SGD's learning rate. */
  lr: number;
  /** Default 5 timed rounds, after a warm-up. */
  rounds?: number;
}

/**
 * Times batch-1 SGD steps of a TensorFlow.js twin of `model`: the signature of `benchmarkTfjs` in
 * `tools/tfjs/tfjs.ts`, which TensorFlow.js's own config (`tools/tfjs/deno.json`) resolves, never the main one.
 */
export type BenchmarkTfjs = (model: Sequential, options: TfjsBenchOptions) => Promise<BenchRow>;

/** Options of {@linkcode benchmarkTraining}. */
export interface BenchOptions {
  /** Default the TypeScript kernels. */
  backend?: Backend;
  /** Images per step; default 1. */
  batch?: number;
  /** Threads each batch is split across (see `train`); default 1. Needs the experiment's `replica` when above 1. */
  threads?: number;
  /** Steps per timed round; default: as many as take about a quarter of a second on one thread. */
  steps?: number;
  /** Timed rounds, after one untimed warm-up round; the median is reported. Default 7. */
  rounds?: number;
}

/**
 * Times the training loop of `experiment`'s model (its first arm, SGD at its learning rate; fused on one thread, as
 * fused SGD cannot be split) on `data`'s 28x28 grey images. The rounds are the logging intervals of one `train`
 * call, so workers start once per row.
 */
export async function benchmarkTraining(
  experiment: Experiment,
  data: LoadedDataset,
  options: BenchOptions = {},
): Promise<BenchRow> {
  const backend = options.backend ?? tsBackend, batch = options.batch ?? 1, rounds = options.rounds ?? 7;
  const threads = Math.min(options.threads ?? 1, batch);
  const settings = { ...experiment.defaults, batchSize: batch };
  // Training only: the evaluations after each epoch are not part of a step.
  const prepared = { ...experiment.prepare(data, settings), evaluations: [] };
  const arm = experiment.arms?.[0]?.name ?? "";
  const model = experiment.model({ rng: createRng(0), dtype: "float32", arm, settings });
  model.useBackend(backend);
  if (threads > 1 && !experiment.replica) throw new Error(`bench: ${experiment.name} has no replica for workers`);
  const run = (steps: number, split: number, onInterval?: (log: IntervalLog) => void) =>
    train(model, prepared, {
      epochs: 1,
      stepsPerEpoch: steps,
      batchSize: batch,
      optimizer: new Sgd(model.params(), { lr: settings.lr, backend, fused: threads === 1 }),
      loss: experiment.loss,
      rng: createRng(1),
      logEvery: onInterval ? steps / (rounds + 1) : steps,
      backend,
      threads: split,
      replica: experiment.replica && { ...experiment.replica, context: { arm, settings } },
      onInterval,
    });
  // Warm-up on this thread for at least a second, in calls long enough that their set-up does not count: V8
  // moves hot code (WebAssembly included) to its optimizing tier only after a while. The last call sizes the rounds.
  const start = performance.now();
  let calls = 10, perWarmStep = Infinity;
  while (performance.now() - start < 1000) {
    const began = performance.now();
    await run(calls, 1);
    const took = performance.now() - began;
    perWarmStep = took / calls;
    if (took < 200) calls *= 2;
  }
  const steps = options.steps ?? Math.max(10, Math.round(250 / perWarmStep));
  const ends: number[] = [];
  await run(steps * (rounds + 1), threads, (log) => ends.push(log.elapsedSeconds));
  // The first round warms the workers up; the median of the others.
  const us = median(ends.slice(1).map((end, r) => (end - ends[r]!) * 1e6 / steps));
  return benchRow(model, { network: experiment.name, backend: backend.name, batch, threads, us });
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b), mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A row of the table for `model` trained at `us` microseconds per step of `batch` images. */
export function benchRow(
  model: Sequential,
  timing: { network: string; backend: string; batch: number; threads: number; us: number },
): BenchRow {
  const { network, backend, batch, threads, us } = timing;
  const imagesPerSecond = batch * 1e6 / us;
  const gflops = trainingFlops(model) * imagesPerSecond / 1e9;
  return {
    network,
    backend,
    batch,
    threads,
    "us_per_step_median": us,
    "images_per_s": imagesPerSecond,
    "epoch_s_projected": 60000 / imagesPerSecond,
    gflops,
    "fraction_of_peak": gflops / PEAK_GFLOPS_PER_CORE,
    "peak_rss_mb": peakRssMb(),
  };
}

const COLUMNS: (keyof BenchRow)[] = [
  "network",
  "backend",
  "batch",
  "threads",
  "us_per_step_median",
  "images_per_s",
  "epoch_s_projected",
  "gflops",
  "fraction_of_peak",
  "peak_rss_mb",
];

/** The rows as an aligned text table, one line per network, backend and batch. */
export function formatBenchTable(rows: readonly BenchRow[]): string {
  const cell = (value: unknown) =>
    typeof value === "number" && !Number.isInteger(value) ? value.toFixed(value < 1 ? 3 : 1) : String(value);
  return textTable({ header: [...COLUMNS], rows: rows.map((row) => COLUMNS.map((column) => cell(row[column]))) });
}

/**
 * Writes the rows as `DIR/<UTC time>.csv` (creating DIR) atomically, and returns the path; `options.write` replaces
 * `Deno.writeFileSync` (tests inject a full disk).
 *
 * @throws {Error} `cannot write <path>: <cause>`.
 */
export async function writeBenchCsv(
  rows: readonly BenchRow[],
  options: { dir: string; write?: WriteFile },
): Promise<string> {
  await Deno.mkdir(options.dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const path = `${options.dir}/${stamp}.csv`;
  const text = stringify(rows.map((row) => COLUMNS.map((c) => row[c])), { header: true, columns: COLUMNS });
  try {
    writeAtomically(path, text, { write: options.write });
  } catch (error) {
    throw new Error(`cannot write ${path}: ${causeOf(error)}`);
  }
  return path;
}
