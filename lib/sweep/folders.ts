/**
 * Where a sweep keeps its runs: `runs/<key>/` per run, each attempt a run
 * folder inside it. Imports nothing heavy, so `compare` can use it.
 *
 * @module
 */
import { latestRunIn } from "../run/mod.ts";
import type { Plan, PlannedRun } from "./plan.ts";

/** The folder of a run's attempts: `<sweep>/runs/<key>`. */
export const runFolder = (sweepDir: string, key: string): string => `${sweepDir}/runs/${key}`;

/** The latest attempt's run folder (`runs/<key>/<experiment>/<run id>`), or null. */
export function latestAttempt(sweepDir: string, run: PlannedRun): string | null {
  return latestRunIn(`${runFolder(sweepDir, run.key)}/${run.experiment}`);
}

/**
 * The latest attempt of every run of the sweep in `sweepDir`, in plan order (runs never started are left out), for
 * `compare`; null when `sweepDir` holds no `plan.json`.
 */
export function sweepRunFolders(sweepDir: string): string[] | null {
  let plan: Plan;
  try {
    plan = JSON.parse(Deno.readTextFileSync(`${sweepDir}/plan.json`));
  } catch {
    return null;
  }
  return plan.runs.map((run) => latestAttempt(sweepDir, run)).filter((dir) => dir !== null);
}
