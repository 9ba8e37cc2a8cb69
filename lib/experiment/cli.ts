/**
 * The command line of every experiment: parse flags, run, report, exit code.
 *
 * @module
 */
import { type Command, envPrefix, experimentTask, runCli, shellLine, UsageError } from "../cli/mod.ts";
import { dataDirEnvVar } from "../data/mod.ts";
import type { Experiment } from "./experiment.ts";
import { DEFAULT_RESULTS_ROOT } from "../run/mod.ts";
import { runExperiment, type RunOptions } from "./run.ts";
import { experimentCommand, runEnd } from "./run_end.ts";
import { experimentFlags, parseCommandLine, type ParsedCommandLine } from "./settings.ts";

/** Exit codes: 0 completed, 1 diverged or failed, 2 bad flags or input, 130 interrupted. */
const EXIT_CODES = { completed: 0, diverged: 1, failed: 1, interrupted: 130, running: 1 } as const;

/** The command of an experiment: `exp NAME`, its title and source, its flag table. */
export function experimentCli(experiment: Experiment): Command<ReturnType<typeof experimentFlags>> {
  return {
    task: `exp ${experiment.name}`,
    about: `${experiment.title}\nSource: ${experiment.source}`,
    flags: experimentFlags(flagOptions(experiment)),
    notes: "Exit codes: 0 completed, 1 diverged or failed, 2 bad flags or input, 130 interrupted.",
  };
}

function flagOptions(experiment: Experiment) {
  const armNames = experiment.arms?.map((a) => a.name);
  return { ...experiment, armNames, envVar: dataDirEnvVar(experiment.dataset), out: DEFAULT_RESULTS_ROOT };
}

/**
 * Runs `experiment` from the command line and returns the process exit code. The data folder's environment variable
 * (`MNIST_DATA_DIR`, ...) is read here, and only here, as the fallback of `--data-dir`, and recorded in the manifest's
 * command with the flags as typed. SIGINT, SIGTERM and SIGHUP are listened for from the first run folder to the last
 * manifest, so a signal at any moment leaves every run folder `completed` or `interrupted`.
 *
 * @param options how files are written (tests inject a failing writer); `cwd` for relative paths.
 */
export function runExperimentCli(
  experiment: Experiment,
  args: string[],
  options: Pick<RunOptions, "write"> & { cwd?: string } = {},
): Promise<number> {
  return runCli(experimentCli(experiment), args, {
    errorCode: 2,
    run: async () => {
      const table = flagOptions(experiment);
      const envDir = readEnv(table.envVar);
      const parsed = parseCommandLine(args, { ...table, env: { dataDir: envDir }, cwd: options.cwd });
      checkWritable(experiment, parsed.controls.resume ?? parsed.controls.out, args);
      for (const warning of parsed.warnings) console.error(`exp ${experiment.name}: warning: ${warning}`);
      const env = parsed.controls.dataDirFromEnv ? envPrefix(table.envVar, envDir!) : "";
      parsed.controls.command = env + shellLine([...experimentTask(experiment.name), ...args]);
      return await runSeeds(experiment, parsed, options);
    },
  });
}

/** Runs once per seed of `--seeds` (else once), stopping at the first that does not complete. */
async function runSeeds(experiment: Experiment, parsed: ParsedCommandLine, options: RunOptions): Promise<number> {
  const stop = listenForStop();
  const seeds = parsed.controls.seeds ?? [parsed.settings.seed];
  let code = 0;
  try {
    for (const [i, seed] of seeds.entries()) {
      await letSignalsLand(); // a signal that came during the last writes lands now
      if (stop.signal.aborted) break;
      if (seeds.length > 1) console.log(`\n=== seed ${seed} (${i + 1} of ${seeds.length}) ===`);
      // A seed from --seeds; otherwise only an explicit --seed (which --resume compares with the run's).
      const overrides = parsed.controls.seeds ? { ...parsed.overrides, seed } : parsed.overrides;
      const { controls } = parsed;
      const outcome = await runExperiment(experiment, { ...options, overrides, controls, signal: stop.signal });
      const end = runEnd(outcome, { controls, cwd: Deno.cwd() });
      if (end.out) console.log(`\n${end.out}`);
      if (end.err) console.error(`\n${end.err}`);
      code = EXIT_CODES[outcome.manifest.status];
      if (code !== 0) break; // an interrupted or failed seed stops the series
    }
    await letSignalsLand();
  } finally {
    stop.dispose();
  }
  return code === 0 && stop.signal.aborted ? EXIT_CODES.interrupted : code;
}

/** An environment variable, or undefined when unset, empty or not permitted. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env for it: the flags still work
  }
}

/**
 * Gives a signal that arrived during synchronous work time to reach its listener: the event loop must block once in
 * the operating system to read it, which a zero-delay timer does not ensure (about 1 in 150 were missed that way in a
 * probe); a 5 ms timer makes it block (none missed in 2,000).
 */
function letSignalsLand(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** An abort signal raised by SIGINT, SIGTERM or SIGHUP (a closed terminal) until disposed. */
function listenForStop(): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  const names: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM", "SIGHUP"];
  const listeners = names.map((name) => [name, () => abort.abort(`received ${name}`)] as const);
  for (const [name, listener] of listeners) Deno.addSignalListener(name, listener);
  return {
    signal: abort.signal,
    dispose: () => listeners.forEach(([name, listener]) => Deno.removeSignalListener(name, listener)),
  };
}

/**
 * Refuses an `--out` folder this process may not write (the `deno task` commands may write only under `results/`).
 *
 * @throws {UsageError} with the `deno run` line to use instead: the task's own permissions plus that folder.
 */
function checkWritable(experiment: Experiment, out: string, args: string[]): void {
  if (Deno.permissions.querySync({ name: "write", path: out }).state === "granted") return;
  const line = shellLine([...experimentCommand(experiment.name, out), ...args]);
  throw new UsageError(`--out: cannot write to ${out} with this command's permissions`, {
    hint: `run instead: ${line}`,
  });
}
