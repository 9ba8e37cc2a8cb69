/**
 * Training-speed benchmarks: the real training loop (batch forming, forward,
 * loss, backward, SGD update) of an experiment's model, timed over rounds of
 * steps on Fashion-MNIST images, per backend and batch size.
 *
 * @module
 */
import { type Backend, tsBackend } from "../backend/mod.ts";
import type { LoadedDataset } from "../data/mod.ts";
import type { Experiment } from "../experiment/mod.ts";
import { Conv2d, Dense, type Sequential } from "../layers/mod.ts";
import { Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { train } from "../train/mod.ts";

/** One core's 128-bit peak here: 2.25 GHz x 2 FMA pipes x 4 lanes x 2 FLOP. */
export const PEAK_GFLOPS_PER_CORE = 36;

/** One row of `results/bench/*.csv`. */
export interface BenchRow {
  network: string;
  backend: string;
  batch: number;
  threads: number;
  "us_per_step_median": number;
  "images_per_s": number;
  "epoch_s_projected": number;
  gflops: number;
  "fraction_of_peak": number;
  "peak_rss_mb": number;
}

/**
 * The floating-point operations of one training image: forward, weight
 * gradient and input gradient of every convolution and dense layer (the first
 * layer's input gradient is not computed), two per multiply-add.
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Options of {@linkcode benchmarkTraining}. */
export interface BenchOptions {
  /** Default the TypeScript kernels. */
  backend?: Backend;
  /** Images per step; default 1. */
  batch?: number;
  /** Steps per timed round; default 2,000 images' worth. */
  steps?: number;
  /** Timed rounds, after one untimed warm-up round; the median is reported. Default 7. */
  rounds?: number;
}

/**
 * Times the training loop of `experiment`'s model (its first arm, SGD at its
 * learning rate) on `data`, which must have 28x28 grey images.
 */
export async function benchmarkTraining(
  experiment: Experiment,
  data: LoadedDataset,
  options: BenchOptions = {},
): Promise<BenchRow> {
  const backend = options.backend ?? tsBackend, batch = options.batch ?? 1, rounds = options.rounds ?? 7;
  const steps = options.steps ?? Math.max(20, Math.ceil(2000 / batch));
  const settings = { ...experiment.defaults, batchSize: batch };
  // Training only: the evaluations after each epoch are not part of a step.
  const prepared = { ...experiment.prepare(data, settings), evaluations: [] };
  const model = experiment.model({
    rng: createRng(0),
    dtype: "float32",
    arm: experiment.arms?.[0]?.name ?? "",
    settings,
  });
  model.useBackend(backend);
  const run = () =>
    train(model, prepared, {
      epochs: 1,
      stepsPerEpoch: steps,
      batchSize: batch,
      optimizer: new Sgd(model.params(), { lr: settings.lr, backend }),
      loss: experiment.loss,
      rng: createRng(1),
      logEvery: steps,
      backend,
    });
  await run();
  const perStep: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    await run();
    perStep.push((performance.now() - start) * 1000 / steps);
  }
  const us = median(perStep);
  const imagesPerSecond = batch * 1e6 / us;
  const gflops = trainingFlops(model) * imagesPerSecond / 1e9;
  return {
    network: experiment.name,
    backend: backend.name,
    batch,
    threads: 1,
    "us_per_step_median": us,
    "images_per_s": imagesPerSecond,
    "epoch_s_projected": 60000 / imagesPerSecond,
    gflops,
    "fraction_of_peak": gflops / PEAK_GFLOPS_PER_CORE,
    "peak_rss_mb": peakRssMb(),
  };
}
