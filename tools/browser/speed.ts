/**
 * `deno task playground:speed`: training steps per second at batch 1 in the playground (headless Chromium, the
 * `wasm` backend in a Web Worker) and on the command line (`deno task exp`), the two run in turn, round after
 * round, and their ratio. A rate is the steps between two consecutive training rows of one epoch over their
 * elapsed_s; a side's figure is the median of its runs' medians. `--full fashion` instead runs a default fashion
 * run in the page and compares its metrics.csv with `results/reference/fashion/metrics.csv`.
 *
 * @module
 */
import { type Command, integer, runCli, runMain, UsageError } from "../../lib/cli/mod.ts";
import { PROJECT_ROOT } from "../../lib/_fs.ts";
import { median } from "../../lib/bench/mod.ts";
import { METRICS_COLUMNS, untimedMetrics } from "../../lib/run/mod.ts";
import { playgroundCli } from "../../playground/main.ts";
import { visitPage } from "./browser.ts";

/** Each network's run: enough steps for about two seconds in Deno, rows every so many steps. */
const NETWORKS: Record<string, { steps: number; logEvery: number }> = {
  zhou: { steps: 60_000, logEvery: 5000 },
  fashion: { steps: 10_000, logEvery: 1000 },
  bitsbrains: { steps: 40_000, logEvery: 4000 },
  ablation: { steps: 11_000, logEvery: 3667 },
};

const FLAGS = {
  network: { value: "LIST", default: Object.keys(NETWORKS).join(","), help: "the networks, comma-separated" },
  rounds: { value: "N", type: integer(1, 100), default: 3, help: "rounds, each one run per side and network" },
  full: { value: "NAME", help: "instead, one default run of NAME in the page, checked against its reference" },
} as const;

/** The command: its flag table and --help text. */
export const SPEED: Command<typeof FLAGS> = {
  task: "playground:speed",
  about: "Steps per second at batch 1 in the playground (Chromium) and in deno task exp, alternating, medians.",
  flags: FLAGS,
};

/** Each arm's steps per second between consecutive training rows of one epoch of a metrics.csv. */
export function rowRates(csv: string): Map<string, number[]> {
  const [arm, split, epoch, step, elapsed] = (["arm", "split", "epoch", "step", "elapsed_s"] as const)
    .map((column) => METRICS_COLUMNS.indexOf(column));
  const rows = csv.trim().split("\n").slice(1).map((line) => line.split(","));
  const rates = new Map<string, number[]>();
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1]!, rows[i]!];
    if (a[split!] !== "train" || b[split!] !== "train" || a[arm!] !== b[arm!] || a[epoch!] !== b[epoch!]) continue;
    if (!rates.has(a[arm!]!)) rates.set(a[arm!]!, []);
    rates.get(a[arm!]!)!.push((Number(b[step!]) - Number(a[step!])) / (Number(b[elapsed!]) - Number(a[elapsed!])));
  }
  return rates;
}

/** The settings of a network's timed run, as command-line flags. */
function flagsOf(network: string): string[] {
  const { steps, logEvery } = NETWORKS[network]!;
  const limits = ["--train-limit", String(steps), "--test-limit", "100", "--log-every", String(logEvery)];
  return ["--epochs", "1", "--batch-size", "1", ...limits];
}

/** Runs `deno task exp` (as its task does, with a temporary --out) and returns its metrics.csv. */
async function denoRun(experiment: string, flags: string[]): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "speed_" });
  try {
    const allow = ["--allow-read", `--allow-write=${out}`, "--allow-run=git", "--allow-env", "--allow-sys=cpus"];
    const args = ["run", ...allow, "lib/experiment/main.ts", experiment, ...flags, "--out", out, "--quiet"];
    const { success, stderr } = await new Deno.Command("deno", {
      args,
      cwd: PROJECT_ROOT,
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(`deno task exp ${experiment} failed: ${new TextDecoder().decode(stderr)}`);
    }
    const [run] = [...Deno.readDirSync(`${out}/${experiment}`)];
    return await Deno.readTextFile(`${out}/${experiment}/${run!.name}/metrics.csv`);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** Opens the playground with `query`, waits for the run's end and returns its state and metrics.csv. */
async function pageRun(url: string, query: string): Promise<{ state: string; metrics: string; problems: string[] }> {
  const visit = await visitPage(`${url}?${query}&autostart=1`, {
    sameOrigin: true,
    inspect: async (page) => {
      await page.waitForFunction(() => !["", "idle", "running"].includes(document.body.dataset.state ?? ""), {
        timeout: 0,
        polling: 1000,
      });
      return await page.evaluate(async () => {
        const href = document.querySelector<HTMLAnchorElement>("#download-metrics")?.href;
        const metrics = href?.startsWith("blob:") ? await (await fetch(href)).text() : "";
        return { state: document.body.dataset.state ?? "", metrics };
      });
    },
  });
  return { ...visit.result!, problems: visit.problems };
}

/** A query string of command-line flags (`--name value` pairs). */
const queryOf = (experiment: string, flags: string[]) => {
  const query = new URLSearchParams({ experiment });
  for (let i = 0; i < flags.length; i += 2) {
    query.set(flags[i]!.slice(2), flags[i + 1]!);
  }
  return query.toString();
};

/** Serves the playground on a free port while `fn` runs. */
async function served<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let listening: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const serving = playgroundCli(["--port", "0"], { onListen: (url) => listening(url), signal: abort.signal });
  const url = await Promise.race([ready, serving.then((code) => `exit ${code}`)]);
  if (!url.startsWith("http")) {
    throw new Error(`deno task playground ended (${url}) before it listened`);
  }
  try {
    return await fn(url);
  } finally {
    abort.abort();
    await serving;
  }
}

/** The rounds: each network in Chromium, then in Deno; prints each run's and then the medians, per arm. */
async function measure(url: string, networks: string[], rounds: number): Promise<void> {
  const rates = new Map<string, { chromium: number[]; deno: number[] }>();
  const add = (network: string, side: "chromium" | "deno", csv: string) => {
    for (const [arm, armRates] of rowRates(csv)) {
      const name = arm ? `${network}/${arm}` : network;
      if (!rates.has(name)) rates.set(name, { chromium: [], deno: [] });
      rates.get(name)![side].push(median(armRates));
    }
  };
  for (let round = 1; round <= rounds; round++) {
    for (const network of networks) {
      const flags = flagsOf(network);
      const page = await pageRun(url, queryOf(network, flags));
      if (page.state !== "completed") {
        throw new Error(`${network} in the page: ${page.state} ${page.problems}`);
      }
      add(network, "chromium", page.metrics), add(network, "deno", await denoRun(network, flags));
      const last = [...rates].filter(([name]) => name.split("/")[0] === network);
      const line = last.map(([name, r]) => `${name} ${r.chromium.at(-1)!.toFixed(0)} / ${r.deno.at(-1)!.toFixed(0)}`);
      console.log(`round ${round}, steps/s in Chromium / Deno: ${line.join(", ")}`);
    }
  }
  console.log("\nnetwork              chromium steps/s  deno steps/s  chromium/deno");
  for (const [network, { chromium, deno }] of rates) {
    const [c, d] = [median(chromium), median(deno)];
    console.log(
      `${network.padEnd(21)}${c.toFixed(0).padStart(16)}${d.toFixed(0).padStart(14)}${(c / d).toFixed(2).padStart(15)}`,
    );
  }
}

/** A default run of `experiment` in the page, its metrics.csv compared with the reference but for elapsed_s. */
async function fullRun(url: string, experiment: string): Promise<number> {
  const reference = await Deno.readTextFile(`${PROJECT_ROOT}results/reference/${experiment}/metrics.csv`);
  const started = performance.now();
  const page = await pageRun(url, new URLSearchParams({ experiment }).toString());
  const [got, want] = [untimedMetrics(page.metrics).split("\n"), untimedMetrics(reference).split("\n")];
  const differ = got.findIndex((line, i) => line !== want[i]);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${experiment} in the page: ${page.state} after ${seconds} s, ${got.length - 1} lines`);
  if (differ < 0 && got.length === want.length) {
    console.log(`metrics.csv equals results/reference/${experiment}/metrics.csv apart from elapsed_s`);
    return 0;
  }
  console.log(
    `metrics.csv differs from the reference at line ${differ + 1}:\n  page: ${got[differ]}\n  ref:  ${want[differ]}`,
  );
  return 1;
}

/** Runs the command line: 0, 1 when a full run differs from its reference, 2 on bad input. */
export function speedCli(args: string[]): Promise<number> {
  return runCli(SPEED, args, {
    run: ({ values }) => {
      const networks = values.network!.split(",");
      const unknown = networks.find((n) => !(n in NETWORKS));
      if (unknown) {
        throw new UsageError(`--network: got '${unknown}', expected some of ${Object.keys(NETWORKS)}`);
      }
      if (values.full) return served((url) => fullRun(url, values.full!));
      return served((url) => measure(url, networks, values.rounds!).then(() => 0));
    },
  });
}

if (import.meta.main) await runMain(speedCli);
