/**
 * `deno task sweep`: plan a grid of experiments x settings x seeds, run it on local cores or as a Slurm job array,
 * and see where it stands.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import {
  type Command,
  helpText,
  integer,
  nearest,
  type ParsedArgs,
  path,
  runCli,
  runMain,
  UsageError,
} from "../cli/mod.ts";
import { seedList } from "../experiment/mod.ts";
import { PROJECT_ROOT } from "../_fs.ts";

import { expandPlan, parseAssignments, type Plan, readPlan, readSpecFile, type SweepSpec } from "./plan.ts";
import { runOne, runState, runSweep } from "./run_one.ts";
import { requeueThisTask, slurmScript, submitScript, tryCommand } from "./slurm.ts";

const FLAGS = {
  experiment: { value: "E", multiple: true, help: "plan: an experiment to run (repeatable)" },
  grid: { value: "FLAG=V1,V2", multiple: true, help: "plan: the values one flag takes across the grid (repeatable)" },
  set: { value: "FLAG=V", multiple: true, help: "plan: a flag every run gets (repeatable)" },
  seeds: { value: "LIST", type: seedList, default: [0], help: "plan: the seeds of every grid point" },
  plan: { value: "FILE", type: path, help: "plan: read experiments, grid, set and seeds from a JSON file" },
  yes: { help: "plan: allow more than 200 runs" },
  root: { value: "DIR", type: path, defaultText: "results/sweeps", help: "the folder of sweep folders" },
  jobs: { value: "N", type: integer(1), defaultText: "the cores", help: "run: processes at once" },
  "max-parallel": { value: "N", type: integer(1), help: "slurm: array tasks at once" },
  "cpus-per-task": { value: "N", type: integer(1), help: "slurm: cores of each task" },
  mem: { value: "SIZE", help: "slurm: memory of each task, e.g. 2G" },
  time: { value: "HH:MM:SS", help: "slurm: time limit of each task" },
  submit: { help: "slurm: submit the job with sbatch" },
} as const;

type Values = ParsedArgs<typeof FLAGS>["values"];

/** The command: its flag table and --help text. */
export const SWEEP: Command<typeof FLAGS> = {
  task: "sweep",
  usage: "<plan|run|run-one|status|slurm> NAME",
  positionals: { min: 0, max: 3 },
  about: `Plans a grid of experiments x settings x seeds, runs it on local cores or as a
Slurm job array, and says where it stands.

  plan NAME --experiment E [--grid FLAG=V1,V2]... [--set FLAG=V]... [--seeds 0..4] [--yes]
  plan NAME --plan FILE
      expand the runs (at most 200 without --yes), check every run's flags with
      its experiment's table, print them and write NAME/plan.json
  run NAME [--jobs N]      run every run not completed, N processes (default: cores)
  run-one PLAN INDEX       run one run of a plan.json (what a Slurm array task calls)
  status NAME              each run's state (and squeue/sacct for a submitted job)
  slurm NAME [--max-parallel N] [--cpus-per-task N] [--mem 2G] [--time 01:00:00] [--submit]
      write NAME/sweep.sbatch, a job array of one task per run; --submit calls sbatch`,
  flags: FLAGS,
  notes: "Exit codes: 0 done, 1 a run failed, 2 bad input, 130 interrupted.",
};

/**
 * Where the command runs: `cwd` resolves relative paths (default the working folder), `log` prints a line (default
 * console.log), `signal` stops a run in progress (default: SIGINT, SIGTERM, SIGHUP).
 */
export interface SweepEnvironment {
  cwd?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Runs the sweep command line and returns the exit code: 0 done, 1 a run failed, 2 bad input, 130 interrupted. */
export function sweepCli(args: string[], env: SweepEnvironment = {}): Promise<number> {
  const log = env.log ?? console.log;
  const cwd = env.cwd ?? Deno.cwd();
  return runCli(SWEEP, args, {
    run: async ({ values, positionals }) => {
      const [command, ...rest] = positionals;
      if (command === undefined) return log(helpText(SWEEP)), 0;
      const root = resolve(cwd, values.root ?? `${PROJECT_ROOT}results/sweeps`);
      if (command === "run-one") return await runOneCommand(rest, cwd, env);
      const commands = ["plan", "run", "run-one", "status", "slurm"];
      if (!commands.includes(command)) {
        const near = nearest(command, commands);
        throw new UsageError(`unknown command '${command}'`, {
          hint: `${near ? `did you mean ${near}? ` : ""}expected plan, run, run-one, status or slurm`,
        });
      }
      if (rest.length !== 1) throw new UsageError(`${command}: expected one sweep NAME, got ${rest.length}`);
      const dir = /^[\w.-]+$/.test(rest[0]!) ? `${root}/${rest[0]}` : resolve(cwd, rest[0]!);
      if (command === "plan") return await planCommand(dir, values, cwd, log);
      if (command === "run") return await runCommand(dir, values, env);
      if (command === "status") return await statusCommand(dir, log);
      return await slurmCommand(dir, values, log);
    },
  });
}

async function planCommand(dir: string, values: Values, cwd: string, log: (line: string) => void): Promise<number> {
  const spec: SweepSpec = values.plan !== undefined ? readSpecFile(values.plan, cwd) : {
    experiments: values.experiment ?? [],
    grid: parseAssignments(values.grid ?? [], cwd),
    set: Object.fromEntries(Object.entries(parseAssignments(values.set ?? [], cwd)).map(([k, v]) => [k, v.join(",")])),
    seeds: values.seeds!,
  };
  const runs = await expandPlan(spec, { yes: values.yes });
  const plan: Plan = { name: dir.split("/").at(-1)!, experimentsDir: "experiments", spec, runs };
  await checkReplan(dir, plan);
  for (const r of runs) log(`${r.index}\t${r.key}\tseed ${r.seed}\t${JSON.stringify(r.settings)}`);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(plan, null, 2) + "\n");
  log(`${runs.length} runs planned in ${dir}/plan.json`);
  return 0;
}

/** Refuses to replace a plan whose runs have started with a different one. */
async function checkReplan(dir: string, plan: Plan): Promise<void> {
  let old: Plan;
  try {
    old = JSON.parse(await Deno.readTextFile(`${dir}/plan.json`));
  } catch {
    return;
  }
  const same = JSON.stringify(old.runs?.map((r) => r.key)) === JSON.stringify(plan.runs.map((r) => r.key));
  const started = old.runs?.some((r) => runState(dir, r) !== "pending");
  if (!same && started) throw new UsageError(`${dir} holds runs of a different plan; give the sweep a new name`);
}

async function runCommand(dir: string, values: Values, env: SweepEnvironment): Promise<number> {
  const jobs = values.jobs ?? navigator.hardwareConcurrency;
  const plan = await readPlan(dir);
  const log = env.log ?? console.log;
  return await withStop(env.signal, async (signal) => {
    const print = (line: string) =>
      Deno.stdout.isTerminal() ? Deno.stdout.writeSync(new TextEncoder().encode(`\r${line}\x1b[K`)) : log(line);
    const states = await runSweep(dir, plan, { jobs, signal, onProgress: print });
    if (Deno.stdout.isTerminal()) console.log();
    if (signal.aborted) return 130;
    const busy = states.filter((s) => s === "busy").length;
    if (busy) log(`${busy} runs were running in another process; see sweep status`);
    return states.every((s) => s === "completed" || s === "skipped" || s === "busy") ? 0 : 1;
  });
}

async function runOneCommand(rest: string[], cwd: string, env: SweepEnvironment): Promise<number> {
  const [planFile, indexText] = rest;
  if (rest.length !== 2 || !/^\d+$/.test(indexText!)) throw new UsageError("run-one: expected PLAN INDEX");
  const dir = dirname(resolve(cwd, planFile!));
  const plan = await readPlan(dir);
  const index = Number(indexText);
  if (index >= plan.runs.length) throw new UsageError(`run-one: index ${index}, the plan has ${plan.runs.length} runs`);
  let notice = false; // Slurm's signal before the time limit: checkpoint, then queue the task again
  const state = await withStop(env.signal, (signal) => runOne(dir, plan, index, { signal }), () => notice = true);
  const log = env.log ?? console.log;
  log(`run ${index} (${plan.runs[index]!.key}): ${state}`);
  if (notice && state === "interrupted") log(await requeueThisTask());
  return ({ completed: 0, skipped: 0, busy: 0, interrupted: 130 } as Record<string, number>)[state] ?? 1;
}

async function statusCommand(dir: string, log: (line: string) => void): Promise<number> {
  const plan = await readPlan(dir);
  const states = plan.runs.map((run) => runState(dir, run));
  const counts: Record<string, number> = {};
  for (const s of states) counts[s] = (counts[s] ?? 0) + 1;
  log(`${dir}: ${plan.runs.length} runs; ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ")}`);
  for (const [i, s] of states.entries()) if (s !== "completed") log(`  ${i}\t${plan.runs[i]!.key}\t${s}`);
  const job = await Deno.readTextFile(`${dir}/slurm-job-id`).catch(() => null);
  if (job) {
    log(`Slurm job ${job.trim()}:`);
    const queue = await tryCommand("squeue", ["-h", "-j", job.trim(), "-o", "%i %T"]);
    const acct = await tryCommand("sacct", ["-X", "-n", "-j", job.trim(), "-o", "JobID,State"]);
    log(`  squeue: ${queue === null ? "not available" : queue.trim() || "no task queued"}`);
    log(`  sacct: ${acct === null ? "not available (no accounting storage?)" : acct.trim()}`);
  }
  return 0;
}

async function slurmCommand(dir: string, values: Values, log: (line: string) => void): Promise<number> {
  const plan = await readPlan(dir);
  const script = slurmScript(dir, plan.runs.length, {
    maxParallel: values["max-parallel"],
    cpusPerTask: values["cpus-per-task"],
    mem: values.mem,
    time: values.time,
  });
  await Deno.mkdir(`${dir}/slurm`, { recursive: true });
  await Deno.writeTextFile(`${dir}/sweep.sbatch`, script);
  log(`wrote ${dir}/sweep.sbatch (${plan.runs.length} array tasks)`);
  if (!values.submit) return 0;
  const submitted = await submitScript(`${dir}/sweep.sbatch`);
  if ("refusal" in submitted) return console.error(`sweep: ${submitted.refusal}`), 1;
  const { job } = submitted;
  await Deno.writeTextFile(`${dir}/slurm-job-id`, job + "\n");
  log(`submitted job ${job}`);
  return 0;
}

/**
 * Runs `fn` with a signal raised by `outer` or by SIGINT, SIGTERM and SIGHUP; with `onNotice`, by SIGUSR2 too
 * (what a Slurm task gets before its time limit), which `onNotice` hears of.
 */
async function withStop<T>(
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
  onNotice?: () => void,
): Promise<T> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  const notice = () => (onNotice?.(), abort.abort());
  outer?.addEventListener("abort", stop);
  const names: Deno.Signal[] = outer ? [] : ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const name of names) Deno.addSignalListener(name, stop);
  const noticed = !outer && onNotice && Deno.build.os !== "windows";
  if (noticed) Deno.addSignalListener("SIGUSR2", notice);
  try {
    return await fn(abort.signal);
  } finally {
    for (const name of names) Deno.removeSignalListener(name, stop);
    if (noticed) Deno.removeSignalListener("SIGUSR2", notice);
    outer?.removeEventListener("abort", stop);
  }
}

if (import.meta.main) await runMain(sweepCli);
