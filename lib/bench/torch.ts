/**
 * PyTorch's side of `deno task bench --compare-torch`: the same network, initial weights, images, loss and SGD
 * learning rate, trained by Debian's `python3-torch` (`torch_bench.py`) in a child process. It reports the BLAS
 * library it loaded, so a figure made on the reference BLAS can be told from one made on OpenBLAS.
 *
 * @module
 */
import { writeCheckpoint } from "../checkpoint/mod.ts";
import { batchOf, type LoadedDataset } from "../data/mod.ts";
import type { Experiment } from "../experiment/mod.ts";
import { sigmoidLogLoss } from "../losses/mod.ts";
import { layerSpecs } from "../page/mod.ts";
import { createRng } from "../rng/mod.ts";
import { type BenchRow, benchRow } from "./bench.ts";

/** The Python that has Debian's `python3-torch`. */
export const TORCH_PYTHON = "/usr/bin/python3";
/** Environment variables PyTorch's child process runs without: set on some machines for older OpenBLAS builds, they slow a current one. */
export const TORCH_UNSET_ENV: readonly string[] = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];
const SCRIPT = new URL("./torch_bench.py", import.meta.url).pathname;
const IMAGES = 4096;

/** What `torch_bench.py` prints. */
export interface TorchTiming {
  /** Median over rounds of one step's wall time, µs. */
  "us_per_step_median": number;
  /** `torch.__version__`. */
  torch: string;
  /** The BLAS/LAPACK libraries the process had mapped, resolved. */
  blas: string[];
  /** `torch.get_num_threads()`. */
  threads: number;
  /** The values PyTorch's process saw of {@linkcode TORCH_UNSET_ENV} (null: unset). */
  env: Record<string, string | null>;
  /** The Python process's peak resident memory, MB. */
  "peak_rss_mb": number;
}

/** Why PyTorch cannot be benchmarked here, or undefined when it can. */
export async function torchMissing(): Promise<string | undefined> {
  try {
    const { success } = await new Deno.Command(TORCH_PYTHON, {
      args: ["-c", "import torch"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success ? undefined : `${TORCH_PYTHON} cannot import torch (apt-get install python3-torch)`;
  } catch (error) {
    return `${TORCH_PYTHON} cannot be run (${error instanceof Error ? error.message : error})`;
  }
}

/**
 * Trains `experiment`'s network (its first arm, the seed-0 initial weights) with PyTorch at `batch` images per step
 * on `threads` threads, over the first 4,096 training images as the experiment prepares them, and returns the row
 * and what PyTorch said of itself. Its input files go to a temporary folder in `scratch`, removed at the end.
 */
export async function benchmarkTorch(
  experiment: Experiment,
  data: LoadedDataset,
  options: { batch: number; threads: number; rounds: number; scratch: string; warmupSeconds?: number },
): Promise<{ row: BenchRow; timing: TorchTiming }> {
  const settings = { ...experiment.defaults, batchSize: options.batch };
  const prepared = experiment.prepare(data, settings);
  const arm = experiment.arms?.[0]?.name ?? "";
  const model = experiment.model({ rng: createRng(0), dtype: "float32", arm, settings });
  await Deno.mkdir(options.scratch, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: options.scratch, prefix: ".torch-" });
  try {
    const indices = Array.from({ length: Math.min(IMAGES, prepared.train.count) }, (_, i) => i);
    const { x, labels } = batchOf(prepared.train, indices, { transform: prepared.transform });
    writeCheckpoint(`${dir}/model.safetensors`, model.params(), { metadata: {} });
    await Deno.writeFile(`${dir}/inputs.f32`, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
    await Deno.writeFile(`${dir}/labels.i32`, new Uint8Array(labels.buffer));
    const spec = {
      model: `${dir}/model.safetensors`,
      layers: layerSpecs(model),
      inputShape: model.inputShape,
      inputs: `${dir}/inputs.f32`,
      labels: `${dir}/labels.i32`,
      images: indices.length,
      loss: experiment.loss === sigmoidLogLoss ? "sigmoid" : "softmax",
      lr: settings.lr,
      batch: options.batch,
      threads: options.threads,
      rounds: options.rounds,
      "warmup_s": options.warmupSeconds ?? 1,
      "unset_env": TORCH_UNSET_ENV,
    };
    await Deno.writeTextFile(`${dir}/spec.json`, JSON.stringify(spec));
    const env = Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([n]) => !TORCH_UNSET_ENV.includes(n)));
    const out = await new Deno.Command(TORCH_PYTHON, { args: [SCRIPT, `${dir}/spec.json`], clearEnv: true, env })
      .output();
    if (!out.success) throw new Error(`PyTorch failed: ${new TextDecoder().decode(out.stderr).trim()}`);
    const timing: TorchTiming = JSON.parse(new TextDecoder().decode(out.stdout));
    const { batch, threads } = options;
    const row = benchRow(model, {
      network: experiment.name,
      backend: "torch",
      batch,
      threads,
      us: timing.us_per_step_median,
    });
    return { row: { ...row, "peak_rss_mb": timing.peak_rss_mb }, timing };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
