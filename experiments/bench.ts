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
 * and prints the ratios).
 *
 * @module
 */
import { ablation } from "./ablation.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";
import {
  backendNames,
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
} as const;

/** The command: its flag table and --help text. */
const BENCH: Command<typeof FLAGS> = {
  task: "bench",
  about: "Times the real training loop of the experiments' networks on Fashion-MNIST images for each\n" +
    "backend and batch size, prints a table and writes it to results/bench/<UTC time>.csv.",
  flags: FLAGS,
};

/** Trains `name`'s network at batch 1 with TensorFlow.js's two backends (loaded only here: it takes seconds). */
async function compareTfjs(name: keyof typeof networks, data: LoadedDataset): Promise<BenchRow[]> {
  const { benchmarkTfjs } = await import("../lib/bench/tfjs.ts");
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

/** Times every configuration the flags ask for, prints the table and writes the CSV. */
async function bench(values: Values<typeof FLAGS>): Promise<number> {
  const data = await loadDataset("fashion-mnist");
  const rows: BenchRow[] = [];
  for (const name of values.network!) {
    for (const backend of values.backend!) {
      for (const batch of values.batch!) {
        for (const split of batch === 1 ? [1] : values.threads!) {
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
      }
    }
    if (values["compare-tfjs"]) rows.push(...await compareTfjs(name, data));
  }
  console.log(formatBenchTable(rows));
  if (values["compare-tfjs"]) console.log(`\n${tfjsRatios(rows).join("\n")}`);
  console.log(`\nwrote ${await writeBenchCsv(rows, { dir: new URL("../results/bench", import.meta.url).pathname })}`);
  return 0;
}

if (import.meta.main) await runMain((args) => runCli(BENCH, args, { run: ({ values }) => bench(values) }));
