/**
 * The local executor: the plan's runs on `jobs` worker slots, each run its
 * own process, with a progress line and a clean stop on a signal.
 *
 * @module
 */
import type { Plan } from "./plan.ts";
import { runOne, type RunState } from "./run_one.ts";

/** Counts of a sweep under way, for the progress line. */
export interface SweepProgress {
  /** Runs in the plan. */
  total: number;
  /** Completed, now or before. */
  done: number;
  /** Ended failed, diverged or interrupted. */
  failed: number;
  /** Under way in this process. */
  running: number;
  /** Held by another process (another sweep or a Slurm task). */
  busy: number;
  /** Seconds left at the pace of this session's runs; null before one finished. */
  etaSeconds: number | null;
}

/** The progress line: `12/20 done, 1 failed, 2 running, ETA 1m05s`. */
export function progressLine(p: SweepProgress): string {
  const eta = p.etaSeconds === null
    ? "ETA ?"
    : `ETA ${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, "0")}s`;
  return `${p.done}/${p.total} done, ${p.failed} failed, ${p.running} running${
    p.busy ? `, ${p.busy} busy elsewhere` : ""
  }, ${eta}`;
}

/**
 * Runs every run of `plan` not completed yet, at most `jobs` at once.
 *
 * @param sweepDir the sweep folder.
 * @param plan its plan.
 * @param options `jobs` (default: the number of cores), `signal` (stops starting runs and interrupts the running
 *   ones), `onProgress` (called after each change).
 * @returns each run's final state, by index.
 */
export async function runSweep(
  sweepDir: string,
  plan: Plan,
  options: { jobs?: number; signal?: AbortSignal; onProgress?: (p: SweepProgress) => void } = {},
): Promise<RunState[]> {
  const jobs = options.jobs ?? navigator.hardwareConcurrency;
  const states: RunState[] = plan.runs.map(() => "pending");
  const started = performance.now();
  let next = 0, ran = 0, running = 0;
  const report = () => {
    const count = (...s: RunState[]) => states.filter((x) => s.includes(x)).length;
    const left = plan.runs.length - count("completed", "skipped", "failed", "diverged", "interrupted", "busy");
    const perRun = ran ? (performance.now() - started) / 1000 / ran : null;
    options.onProgress?.({
      total: plan.runs.length,
      done: count("completed", "skipped"),
      failed: count("failed", "diverged", "interrupted"),
      running,
      busy: count("busy"),
      etaSeconds: perRun === null ? null : perRun * left, // wall time per finished run already counts the parallelism
    });
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
