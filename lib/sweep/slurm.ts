/**
 * The Slurm executor: an `sbatch` script for a job array, one task per run
 * of the plan, each calling `deno task sweep run-one PLAN INDEX`.
 *
 * @module
 */
import { UsageError } from "../experiment/mod.ts";
import { PROJECT_ROOT } from "../_fs.ts";

/**
 * Resources of each array task (`--cpus-per-task`, default 1; `--mem`, default 2G; `--time`, default 01:00:00),
 * how many run at once (`%MAX` of `--array`, default 8), and the deno binary the nodes run (default this one).
 */
export interface SlurmOptions {
  maxParallel?: number;
  cpusPerTask?: number;
  mem?: string;
  time?: string;
  deno?: string;
}

/** Seconds before a task's time limit at which Slurm signals it (SIGUSR2) to checkpoint and queue itself again. */
const REQUEUE_NOTICE_SECONDS = 120;

/** The permissions of `deno task sweep`, for the task's `deno run`. */
const SWEEP_PERMISSIONS = "--allow-read --allow-write --allow-env --allow-run --allow-sys=hostname";

/**
 * Queues this Slurm array task again (`scontrol requeue`), after its run was interrupted by the signal that comes
 * before the time limit; the task, run again, resumes the run from its checkpoint.
 *
 * @returns what to print: that it was queued again, or why not.
 */
export async function requeueThisTask(): Promise<string> {
  const env = (name: string) => Deno.env.get(name);
  const array = env("SLURM_ARRAY_JOB_ID"), task = env("SLURM_ARRAY_TASK_ID");
  const id = array && task ? `${array}_${task}` : env("SLURM_JOB_ID");
  if (!id) return "not a Slurm task; nothing to queue again";
  try {
    const { success, stderr } = await new Deno.Command("scontrol", { args: ["requeue", id], stdin: "null" }).output();
    return success
      ? `Slurm task ${id} queued again`
      : `scontrol requeue ${id} failed: ${new TextDecoder().decode(stderr)}`;
  } catch (error) {
    return `scontrol requeue ${id} failed: ${(error as Error).message}`;
  }
}

/** What each value written into the script must look like, and how the message names it. */
const FORMS = {
  mem: [/^[1-9]\d*[KMGT]?$/, "a size such as 500M or 2G"],
  time: [
    /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/,
    "minutes, MM:SS, \
HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS",
  ],
  path: [/^\/[\w@%+=:,./-]*$/, "a path without spaces, quotes or line breaks"],
} as const;

/** `value` when it has the form `form`, else a {@linkcode UsageError} naming `label` (the flag or the thing). */
function checked(label: string, value: string, form: keyof typeof FORMS): string {
  const [pattern, expected] = FORMS[form];
  if (!pattern.test(value)) throw new UsageError(`${label}: got ${JSON.stringify(value)}, expected ${expected}`);
  return value;
}

/**
 * The sbatch script of a sweep of `runs` runs in `sweepDir` (on storage every node shares); every value written
 * into it is checked first (a line break in one would add `#SBATCH` lines of its own).
 *
 * @throws {UsageError} naming the flag or path that does not have its form.
 */
export function slurmScript(sweepDir: string, runs: number, options: SlurmOptions = {}): string {
  const dir = checked("the sweep folder", sweepDir, "path");
  const repo = checked("the repository folder", PROJECT_ROOT, "path");
  const deno = checked("the deno binary", options.deno ?? Deno.execPath(), "path");
  const name = dir.split("/").filter((p) => p).at(-1);
  const count = (label: string, n: number) => {
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${label}: got ${n}, expected a positive integer`);
    return n;
  };
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=sweep-${name}`,
    `#SBATCH --array=0-${count("runs", runs) - 1}%${count("--max-parallel", options.maxParallel ?? 8)}`,
    `#SBATCH --cpus-per-task=${count("--cpus-per-task", options.cpusPerTask ?? 1)}`,
    `#SBATCH --mem=${checked("--mem", options.mem ?? "2G", "mem")}`,
    `#SBATCH --time=${checked("--time", options.time ?? "01:00:00", "time")}`,
    `#SBATCH --output=${dir}/slurm/%A_%a.out`,
    // Preempted or near its time limit, a task checkpoints its run and is queued again; then the run goes on.
    "#SBATCH --requeue",
    "#SBATCH --open-mode=append", // the log of every try
    `#SBATCH --signal=B:USR2@${REQUEUE_NOTICE_SECONDS}`, // not USR1: it opens the inspector
    "# One array task per run of plan.json; the sweep folder must be on storage every node shares.",
    `cd ${repo}`,
    // `deno run` itself (not `deno task`), so the signal before the time limit reaches run-one.
    `exec ${deno} run ${SWEEP_PERMISSIONS} lib/sweep/main.ts run-one ${dir}/plan.json "$SLURM_ARRAY_TASK_ID"`,
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

/**
 * Submits an sbatch script; what sbatch said when it refused (its exit code and standard error), so the user sees
 * Slurm's own reason ("Memory specification can not be satisfied", "Unable to contact slurm controller").
 *
 * @returns the job id, or the refusal as lines to print.
 */
export async function submitScript(file: string): Promise<{ job: string } | { refusal: string }> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("sbatch", { args: ["--parsable", file], stdin: "null" }).output();
  } catch (error) {
    return { refusal: `sbatch cannot be started: ${(error as Error).message} (is Slurm installed?)` };
  }
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  if (!output.success) {
    const said = text(output.stderr).split("\n").map((line) => `  ${line}`).join("\n") || "  (nothing on stderr)";
    return { refusal: `sbatch refused the job (exit ${output.code}):\n${said}` };
  }
  return { job: text(output.stdout).split(";")[0]! };
}
