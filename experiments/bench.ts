/**
 * Training speed of the four experiments' networks: `deno task bench`.
 *
 * Times the real training loop (batch forming, forward, loss, backward, SGD
 * update) on Fashion-MNIST images for each network, backend and batch size,
 * prints a table and writes it to `results/bench/<UTC time>.csv`.
 *
 * Flags: `--backend wasm,wasm-fma,ts` (default all three), `--batch 1,64` (default 1 and 64),
 * `--threads 1,2` (default both; batches of 1 always run on one thread),
 * `--network fashion,zhou,...` (default all four), `--rounds N` (default 7),
 * `--compare-tfjs`: also trains each network at batch 1 with TensorFlow.js's
 * CPU and WebAssembly backends in this process, and prints the ratios;
 * `--compare-torch`: after the suite's rows of each network, batch and thread
 * count, trains the same network with PyTorch (`/usr/bin/python3`, Debian's
 * `python3-torch`, `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset for it),
 * prints which BLAS it loaded and the ratios (one line, and no PyTorch rows,
 * where PyTorch is missing).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ablation } from "./ablation.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";
import {
  type BackendName,
  backendNames,
  type BenchmarkTfjs,
  benchmarkTraining,
  type BenchRow,
  createBackend,
  createRng,
  formatBenchTable,
  loadDataset,
  type LoadedDataset,
  writeBenchCsv,
} from "../lib/mod.ts";

const networks = { fashion, zhou, bitsbrains, ablation };

/** Splits a comma list and checks every item against `allowed`, exiting 2 with a message otherwise. */
function listOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(",").map((s) => s.trim());
  const bad = items.find((item) => !allowed.includes(item as T));
  if (bad !== undefined) {
    console.error(`bench: --${flag} ${bad} is not one of ${allowed.join(", ")}`);
    Deno.exit(2);
  }
  return items as T[];
}

/**
 * TensorFlow.js is resolved by its own config, `tools/tfjs/deno.json` (the bench task's), never by the main one, so
 * that nothing else downloads it: the module is named at run time, out of reach of the main config's type check.
 */
async function loadTfjsTwin(): Promise<{ benchmarkTfjs: BenchmarkTfjs }> {
  const twin = new URL("../tools/tfjs/tfjs.ts", import.meta.url).href;
  try {
    return await import(twin);
  } catch (e) {
    throw new Error(
      `--compare-tfjs needs TensorFlow.js, which tools/tfjs/deno.json provides (run it as deno task bench): ${
        (e as Error).message.split("\n")[0]
      }`,
    );
  }
}

/** Trains `name`'s network at batch 1 with TensorFlow.js's two backends (loaded only here: it takes seconds). */
async function compareTfjs(name: keyof typeof networks, data: LoadedDataset): Promise<BenchRow[]> {
  const { benchmarkTfjs } = await loadTfjsTwin();
  const experiment = networks[name];
  const settings = experiment.defaults;
  const model = experiment.model({
    rng: createRng(0),
    dtype: "float32",
    arm: experiment.arms?.[0]?.name ?? "",
    settings,
  });
  const prepared = experiment.prepare(data, settings);
  const rows: BenchRow[] = [];
  for (const backend of ["tfjs-cpu", "tfjs-wasm"] as const) {
    rows.push(await benchmarkTfjs(model, { backend, data: prepared, network: name, lr: settings.lr }));
    console.error(`${name} ${backend} batch 1: ${rows.at(-1)!.us_per_step_median.toFixed(1)} µs per step`);
  }
  return rows;
}

/** One line per network and wasm backend: its batch-1 speed against the faster TensorFlow.js backend. */
function tfjsRatios(rows: readonly BenchRow[]): string[] {
  return Object.keys(networks).flatMap((network) => {
    const theirs = rows.filter((r) => r.network === network && r.backend.startsWith("tfjs-"));
    if (theirs.length === 0) return [];
    const best = theirs.reduce((a, b) => (a.us_per_step_median <= b.us_per_step_median ? a : b));
    const ours = rows.filter((r) => r.network === network && r.backend.startsWith("wasm") && r.batch === 1);
    return ours.map((row) =>
      `${network}: ${row.backend} ${row.us_per_step_median.toFixed(0)} µs per image, the faster TensorFlow.js ` +
      `backend (${best.backend}) ${best.us_per_step_median.toFixed(0)} µs: ${
        (best.us_per_step_median / row.us_per_step_median).toFixed(1)
      }x`
    );
  });
}

/** One line per network, wasm backend, batch and thread count: PyTorch's time over the suite's. */
function torchRatios(rows: readonly BenchRow[]): string[] {
  return rows.filter((r) => r.backend === "torch").flatMap((theirs) =>
    rows.filter((r) =>
      r.network === theirs.network && r.backend.startsWith("wasm") && r.batch === theirs.batch &&
      r.threads === theirs.threads
    ).map((ours) =>
      `${ours.network} batch ${ours.batch}, ${ours.threads} thread(s): ${ours.backend} ${
        ours.us_per_step_median.toFixed(1)
      } µs per step, PyTorch ${theirs.us_per_step_median.toFixed(1)} µs: ${
        (theirs.us_per_step_median / ours.us_per_step_median).toFixed(1)
      }x`
    )
  );
}

/** Whether PyTorch can be benchmarked; says why not, in one line, when it cannot. */
async function torchReady(wanted: boolean): Promise<boolean> {
  if (!wanted) return false;
  const { torchMissing } = await import("../lib/bench/torch.ts");
  const missing = await torchMissing();
  if (missing) console.error(`bench: --compare-torch: PyTorch rows skipped: ${missing}`);
  return missing === undefined;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      backend: { type: "string", default: backendNames.join(",") },
      batch: { type: "string", default: "1,64" },
      threads: { type: "string", default: "1,2" },
      network: { type: "string", default: Object.keys(networks).join(",") },
      rounds: { type: "string", default: "7" },
      "compare-tfjs": { type: "boolean", default: false },
      "compare-torch": { type: "boolean", default: false },
    },
  });
  const backends = listOf("backend", values.backend, backendNames) as BackendName[];
  const names = listOf("network", values.network, Object.keys(networks) as (keyof typeof networks)[]);
  const batches = values.batch.split(",").map(Number), threads = values.threads.split(",").map(Number);
  const rounds = Number(values.rounds);
  if (![...batches, ...threads, rounds].every((b) => Number.isInteger(b) && b >= 1)) {
    console.error("bench: --batch (1,64), --threads (1,2) and --rounds take positive integers");
    Deno.exit(2);
  }
  const torch = await torchReady(values["compare-torch"]);
  const { benchmarkTorch } = await import("../lib/bench/torch.ts");
  const blas = new Set<string>();
  const data = await loadDataset("fashion-mnist");
  const rows: BenchRow[] = [];
  for (const name of names) {
    for (const batch of batches) {
      for (const split of batch === 1 ? [1] : threads) {
        for (const backend of backends) {
          const row = await benchmarkTraining(networks[name], data, {
            backend: createBackend(backend),
            batch,
            threads: split,
            rounds,
          });
          rows.push(row);
          console.error(
            `${name} ${backend} batch ${batch} threads ${row.threads}: ${
              row.us_per_step_median.toFixed(1)
            } µs per step`,
          );
        }
        if (!torch) continue;
        // PyTorch's row right after the suite's rows of the same network, batch and threads.
        const { row, timing } = await benchmarkTorch(networks[name], data, {
          batch,
          threads: split,
          rounds,
          scratch: "results/bench",
        });
        rows.push(row);
        blas.add(`PyTorch ${timing.torch}, BLAS: ${timing.blas.join(", ") || "none mapped"}`);
        console.error(
          `${name} torch batch ${batch} threads ${split}: ${row.us_per_step_median.toFixed(1)} µs per step`,
        );
      }
    }
    if (values["compare-tfjs"]) rows.push(...await compareTfjs(name, data));
  }
  console.log(formatBenchTable(rows));
  if (values["compare-tfjs"]) console.log(`\n${tfjsRatios(rows).join("\n")}`);
  if (torch) console.log(`\n${[...blas].join("\n")}\n${torchRatios(rows).join("\n")}`);
  console.log(`\nwrote ${await writeBenchCsv(rows, { dir: "results/bench" })}`);
}
