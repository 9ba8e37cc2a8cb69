/**
 * The Slurm executor: an `sbatch` script for a job array, one task per run
 * of the plan, each calling `deno task sweep run-one PLAN INDEX`.
 *
 * @module
 */
import { REPO_ROOT } from "./plan.ts";

/** Resources of each array task, and how many run at once. */
export interface SlurmOptions {
  /** Tasks running at once (`%MAX` of `--array`); default 8. */
  maxParallel?: number;
  /** `--cpus-per-task`; default 1. */
  cpusPerTask?: number;
  /** `--mem`; default `2G`. */
  mem?: string;
  /** `--time`; default `01:00:00`. */
  time?: string;
  /** The deno binary the nodes run; default this process's. */
  deno?: string;
}

/**
 * The sbatch script of a sweep of `runs` runs.
 *
 * @param sweepDir the sweep folder (on storage every node shares).
 * @param runs how many runs the plan holds.
 * @param options resources per task and parallelism.
 */
export function slurmScript(sweepDir: string, runs: number, options: SlurmOptions = {}): string {
  const name = sweepDir.split("/").filter((p) => p).at(-1);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=sweep-${name}`,
    `#SBATCH --array=0-${runs - 1}%${options.maxParallel ?? 8}`,
    `#SBATCH --cpus-per-task=${options.cpusPerTask ?? 1}`,
    `#SBATCH --mem=${options.mem ?? "2G"}`,
    `#SBATCH --time=${options.time ?? "01:00:00"}`,
    `#SBATCH --output=${sweepDir}/slurm/%A_%a.out`,
    "# One array task per run of plan.json; the sweep folder must be on storage every node shares.",
    `cd ${REPO_ROOT}`,
    `exec ${options.deno ?? Deno.execPath()} task sweep run-one ${sweepDir}/plan.json "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}

/** Runs `command args` and returns its standard output, or null when it is missing or fails. */
export async function tryCommand(command: string, args: string[]): Promise<string | null> {
  try {
    const { success, stdout } = await new Deno.Command(command, { args, stderr: "null" }).output();
    return success ? new TextDecoder().decode(stdout) : null;
  } catch {
    return null;
  }
}
