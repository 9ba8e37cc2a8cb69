/**
 * Running a plan: each run in its own process, skipped when already completed, refused when another process holds
 * its lock, resumed (`--resume`) when its latest attempt was interrupted with a checkpoint, else started with its
 * experiment's `deno run` command line, `--out` into the sweep folder; on local cores, `jobs` at once.
 *
 * @module
 */
import { resolve } from "node:path";
import { experimentCommand } from "../experiment/mod.ts";
import { readManifestSync, runFile } from "../run/mod.ts";
import { PROJECT_ROOT, type WriteFile } from "../_fs.ts";
import { acquireLock, handOverLock, lockState, releaseLock } from "./lock.ts";
import { latestAttempt, runFolder } from "./folders.ts";
import { flagsOf, type Plan, type PlannedRun } from "./plan.ts";

/** Where a run stands: a manifest's status, `pending` (never started), `skipped` or `busy` (locked). */
export type RunState = "pending" | "running" | "completed" | "failed" | "interrupted" | "diverged" | "busy" | "skipped";

/** The run's state from its folder: `running` while a live lock is held, else {@linkcode attemptStatus}. */
export function runState(sweepDir: string, run: PlannedRun): RunState {
  return lockState(`${runFolder(sweepDir, run.key)}.lock`) === "held" ? "running" : attemptStatus(sweepDir, run);
}

/**
 * The latest attempt's status from its manifest: `pending` when never started, `failed` when unreadable, left
 * `running` (its process died), or when the run's process ended before making a run folder (its `stderr.log` says why).
 */
export function attemptStatus(sweepDir: string, run: PlannedRun): RunState {
  const attempt = latestAttempt(sweepDir, run);
  if (!attempt) return isFileSync(`${runFolder(sweepDir, run.key)}/stderr.log`) ? "failed" : "pending";
  try {
    const status = readManifestSync(runFile(attempt, "manifest")).status as RunState;
    return status === "running" ? "failed" : status; // a manifest left `running` with no live lock: the process died
  } catch {
    return "failed";
  }
}

/**
 * The command line of a run: the experiment's `deno run` words, its flags, seed, `--out` and `--quiet`; or, to go
 * on with an interrupted attempt, `--resume` with the flags a resume takes (the data's).
 */
function runCommand(sweepDir: string, plan: Plan, run: PlannedRun, resume: string | null = null): string[] {
  const out = runFolder(sweepDir, run.key);
  const script = resolve(PROJECT_ROOT, plan.experimentsDir, `${run.experiment}.ts`);
  const command = experimentCommand(run.experiment, out, { script });
  if (resume === null) {
    return [...command, ...flagsOf(run.settings), "--seed", String(run.seed), "--out", out, "--quiet"];
  }
  const data = Object.fromEntries(Object.entries(run.settings).filter(([name]) => RESUME_FLAGS.includes(name)));
  return [...command, ...flagsOf(data), "--resume", resume, "--quiet"];
}

/** The flags a resumed run takes besides `--resume` (its settings come from its checkpoint). */
const RESUME_FLAGS = ["data-dir", "allow-modified-data"];

/** The latest attempt when it was interrupted and left the checkpoint a resume goes on from, else null. */
function resumable(sweepDir: string, run: PlannedRun): string | null {
  const attempt = latestAttempt(sweepDir, run);
  if (attempt === null || attemptStatus(sweepDir, run) !== "interrupted") return null;
  try {
    const files = Object.entries(readManifestSync(runFile(attempt, "manifest")).files);
    return files.some(([role, file]) => role.startsWith("model") && isFileSync(`${attempt}/${file}`)) ? attempt : null;
  } catch {
    return null;
  }
}

/**
 * Runs `plan.runs[index]` unless it completed before or is running elsewhere; an interrupted attempt goes on.
 *
 * @param options `signal` (aborting sends the child SIGINT), `write` (writes the lock; tests inject a failing one).
 * @returns the run's state afterwards (`skipped` and `busy` when nothing was started; `failed`, said on stderr,
 * when its lock cannot be written).
 */
export async function runOne(
  sweepDir: string,
  plan: Plan,
  index: number,
  options: { signal?: AbortSignal; write?: WriteFile } = {},
): Promise<RunState> {
  const run = plan.runs[index]!;
  if (runState(sweepDir, run) === "completed") return "skipped";
  const dir = runFolder(sweepDir, run.key);
  const lock = `${dir}.lock`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    if (!acquireLock(lock, { write: options.write })) return "busy";
  } catch (error) {
    console.error(`sweep: run ${index} (${run.key}) not started: ${(error as Error).message}`);
    return "failed";
  }
  try {
    if (attemptStatus(sweepDir, run) === "completed") return "skipped"; // finished between the check and the lock
    if (options.signal?.aborted) return "interrupted";
    return await runChild(sweepDir, plan, run, { ...options, lock });
  } finally {
    releaseLock(lock);
  }
}

/** Runs the run's process with its output appended to `stdout.log` and `stderr.log`, the lock handed to it. */
async function runChild(
  sweepDir: string,
  plan: Plan,
  run: PlannedRun,
  options: { signal?: AbortSignal; write?: WriteFile; lock: string },
): Promise<RunState> {
  const dir = runFolder(sweepDir, run.key);
  // `deno` from PATH, as the printed line says (`deno task` and `npx deno task` both put it there).
  const [command, ...args] = runCommand(sweepDir, plan, run, resumable(sweepDir, run));
  const child = new Deno.Command(command!, { args, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
  const stop = () => child.kill("SIGINT");
  options.signal?.addEventListener("abort", stop);
  let beat = () => {};
  try {
    beat = handOverLock(options.lock, child.pid, { write: options.write }); // the lock names who runs the key
  } catch (error) {
    console.error(`sweep: run ${run.index} (${run.key}): ${(error as Error).message}; its lock names this process`);
  }
  const logs = ["stdout", "stderr"].map((name) =>
    Deno.open(`${dir}/${name}.log`, { append: true, create: true }).then((file) =>
      child[name as "stdout" | "stderr"].pipeTo(file.writable)
    )
  );
  await Promise.all([child.status, ...logs]);
  beat();
  options.signal?.removeEventListener("abort", stop);
  return attemptStatus(sweepDir, run);
}

/**
 * Runs every run of `plan` not completed yet, at most `jobs` at once, and returns each run's final state.
 *
 * @param options `jobs` (default: the number of cores), `signal` (stops starting runs and interrupts the running
 *   ones), `onProgress` (called after each change with the progress line: `12/20 done, 1 failed, 2 running, ETA 1m05s`).
 */
export async function runSweep(
  sweepDir: string,
  plan: Plan,
  options: { jobs?: number; signal?: AbortSignal; onProgress?: (line: string) => void } = {},
): Promise<RunState[]> {
  const jobs = options.jobs ?? navigator.hardwareConcurrency;
  const states: RunState[] = plan.runs.map(() => "pending");
  const started = performance.now();
  let next = 0, ran = 0, running = 0;
  const report = () => {
    const count = (...s: RunState[]) => states.filter((x) => s.includes(x)).length;
    const left = plan.runs.length - count("completed", "skipped", "failed", "diverged", "interrupted", "busy");
    // Wall time per finished run already counts the parallelism.
    const eta = ran ? (performance.now() - started) / 1000 / ran * left : null;
    const etaText = eta === null ? "?" : `${Math.floor(eta / 60)}m${String(Math.round(eta % 60)).padStart(2, "0")}s`;
    const busy = count("busy") ? `, ${count("busy")} busy elsewhere` : "";
    const failed = count("failed", "diverged", "interrupted");
    options.onProgress?.(
      `${
        count("completed", "skipped")
      }/${plan.runs.length} done, ${failed} failed, ${running} running${busy}, ETA ${etaText}`,
    );
  };
  const worker = async () => {
    while (next < plan.runs.length && !options.signal?.aborted) {
      const index = next++;
      running++;
      const state = await runOne(sweepDir, plan, index, { signal: options.signal });
      running--;
      if (state !== "skipped" && state !== "busy") ran++;
      states[index] = state;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return states;
}

/** Whether `path` is a file (or a link to one). */
function isFileSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
