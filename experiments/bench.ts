/**
 * Training speed of the four experiments' networks: `deno task bench`.
 *
 * Times the real training loop (batch forming, forward, loss, backward, SGD
 * update) on Fashion-MNIST images for each network, backend and batch size,
 * prints a table and writes it to `results/bench/<UTC time>.csv`.
 *
 * Flags (`deno task bench --help`): `--backend`, `--batch`, `--threads`,
 * `--network`, `--rounds`, `--compare-tfjs` (also trains each network at
 * batch 1 with TensorFlow.js's CPU and WebAssembly backends in this process,
 * and prints the ratios), `--compare-torch` (after the suite's rows of each
 * network, batch and thread count, trains the same network with PyTorch:
 * `/usr/bin/python3`, Debian's `python3-torch`, `OPENBLAS_CORETYPE` and
 * `OPENBLAS_L2_SIZE` unset for it; prints which BLAS it loaded and the
 * ratios; one line, and no PyTorch rows, where PyTorch is missing).
 *
 * @module
 */
import { ablation } from "./ablation.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";
import {
  backendNames,
  type BenchmarkTfjs,
  benchmarkTraining,
  type BenchRow,
  type Command,
  createBackend,
  createRng,
  formatBenchTable,
  integer,
  listOf,
  loadDataset,
  type LoadedDataset,
  oneOf,
  runCli,
  runMain,
  type Values,
  writeBenchCsv,
} from "../lib/mod.ts";

const networks = { fashion, zhou, bitsbrains, ablation };

const FLAGS = {
  backend: { value: "LIST", type: listOf(oneOf(backendNames)), default: [...backendNames], help: "the backends timed" },
  batch: { value: "LIST", type: listOf(integer(1)), default: [1, 64], help: "batch sizes" },
  threads: {
    value: "LIST",
    type: listOf(integer(1)),
    default: [1, 2],
    help: "threads per batch (batches of 1 always run on one)",
  },
  network: {
    value: "LIST",
    type: listOf(oneOf(Object.keys(networks) as (keyof typeof networks)[])),
    default: Object.keys(networks) as (keyof typeof networks)[],
    help: "the experiments' networks timed",
  },
  rounds: { value: "N", type: integer(1), default: 7, help: "timed rounds per configuration" },
  "compare-tfjs": { help: "also train each network at batch 1 with TensorFlow.js's CPU and WebAssembly backends" },
  "compare-torch": { help: "also train each network with PyTorch (/usr/bin/python3) after the suite's rows" },
} as const;

/** The command: its flag table and --help text. */
const BENCH: Command<typeof FLAGS> = {
  task: "bench",
  about: "Times the real training loop of the experiments' networks on Fashion-MNIST images for each\n" +
    "backend and batch size, prints a table and writes it to results/bench/<UTC time>.csv.",
  flags: FLAGS,
};

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

/** Times every configuration the flags ask for, prints the table and writes the CSV. */
async function bench(values: Values<typeof FLAGS>): Promise<number> {
  const torch = await torchReady(values["compare-torch"]!);
  const { benchmarkTorch } = await import("../lib/bench/torch.ts");
  const blas = new Set<string>();
  const data = await loadDataset("fashion-mnist");
  const rows: BenchRow[] = [];
  for (const name of values.network!) {
    for (const batch of values.batch!) {
      for (const split of batch === 1 ? [1] : values.threads!) {
        for (const backend of values.backend!) {
          const row = await benchmarkTraining(networks[name], data, {
            backend: createBackend(backend),
            batch,
            threads: split,
            rounds: values.rounds!,
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
          rounds: values.rounds!,
          scratch: new URL("../results/bench", import.meta.url).pathname,
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
  console.log(`\nwrote ${await writeBenchCsv(rows, { dir: new URL("../results/bench", import.meta.url).pathname })}`);
  return 0;
}

if (import.meta.main) await runMain((args) => runCli(BENCH, args, { run: ({ values }) => bench(values) }));
