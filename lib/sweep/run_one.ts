/**
 * One run of a plan, in its own process: skipped when already completed,
 * refused when another process holds its lock, else started with its
 * experiment's `deno run` command line, `--out` into the sweep folder.
 *
 * @module
 */
import { resolve } from "node:path";
import { experimentCommand } from "../experiment/mod.ts";
import { readManifestSync, runFile } from "../run/mod.ts";
import { acquireLock, isStale, lockOwner, releaseLock } from "./lock.ts";
import { latestAttempt, runFolder } from "./folders.ts";
import { flagsOf, type Plan, type PlannedRun, REPO_ROOT } from "./plan.ts";

/** Where a run stands: a manifest's status, `pending` (never started), `skipped` or `busy` (locked). */
export type RunState = "pending" | "running" | "completed" | "failed" | "interrupted" | "diverged" | "busy" | "skipped";

/** The run's state from its folder: `running` while a live lock is held, else {@linkcode attemptStatus}. */
export function runState(sweepDir: string, run: PlannedRun): RunState {
  const owner = lockOwner(`${runFolder(sweepDir, run.key)}.lock`);
  return owner && !isStale(owner) ? "running" : attemptStatus(sweepDir, run);
}

/** The latest attempt's status from its manifest (`pending` when none; `failed` when unreadable or left `running`). */
export function attemptStatus(sweepDir: string, run: PlannedRun): RunState {
  const attempt = latestAttempt(sweepDir, run);
  if (!attempt) return "pending";
  try {
    const status = readManifestSync(runFile(attempt, "manifest")).status as RunState;
    return status === "running" ? "failed" : status; // a manifest left `running` with no live lock: the process died
  } catch {
    return "failed";
  }
}

/** The command line of a run: the experiment's `deno run` words, its flags, seed, `--out` and `--quiet`. */
export function runCommand(sweepDir: string, plan: Plan, run: PlannedRun): string[] {
  const out = runFolder(sweepDir, run.key);
  const script = resolve(REPO_ROOT, plan.experimentsDir, `${run.experiment}.ts`);
  return [
    ...experimentCommand(run.experiment, out, { script }),
    ...flagsOf(run.settings),
    ...["--seed", String(run.seed), "--out", out, "--quiet"],
  ];
}

/**
 * Runs `plan.runs[index]` unless it completed before or is running elsewhere.
 *
 * @param sweepDir the sweep folder.
 * @param plan the plan read from it.
 * @param options `signal` (aborting sends the child SIGINT).
 * @returns the run's state afterwards (`skipped` and `busy` when nothing was started).
 */
export async function runOne(
  sweepDir: string,
  plan: Plan,
  index: number,
  options: { signal?: AbortSignal } = {},
): Promise<RunState> {
  const run = plan.runs[index]!;
  if (runState(sweepDir, run) === "completed") return "skipped";
  const dir = runFolder(sweepDir, run.key);
  await Deno.mkdir(dir, { recursive: true });
  const lock = `${dir}.lock`;
  if (!acquireLock(lock)) return "busy";
  try {
    if (attemptStatus(sweepDir, run) === "completed") return "skipped"; // finished between the check and the lock
    if (options.signal?.aborted) return "interrupted";
    // `deno` from PATH, as the printed line says (`deno task` and `npx deno task` both put it there).
    const [command, ...args] = runCommand(sweepDir, plan, run);
    const child = new Deno.Command(command!, { args, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
    const stop = () => child.kill("SIGINT");
    options.signal?.addEventListener("abort", stop);
    const logs = ["stdout", "stderr"].map((name) =>
      Deno.open(`${dir}/${name}.log`, { append: true, create: true }).then((file) =>
        child[name as "stdout" | "stderr"].pipeTo(file.writable)
      )
    );
    await Promise.all([child.status, ...logs]);
    options.signal?.removeEventListener("abort", stop);
    const state = attemptStatus(sweepDir, run);
    return state === "pending" ? "failed" : state; // it exited before making its run folder (see stderr.log)
  } finally {
    releaseLock(lock);
  }
}
