/**
 * The command line of every experiment: parse flags, run, report, exit code.
 *
 * @module
 */
import { dataDirEnvVar } from "../data/mod.ts";
import type { Experiment } from "./experiment.ts";
import { DEFAULT_RESULTS_ROOT, runExperiment, type RunOptions } from "./run.ts";
import { runEnd } from "./run_end.ts";
import { experimentCommand, shellLine } from "./run_command.ts";
import { helpText, parseCommandLine, UsageError } from "./settings.ts";

/** Exit codes: 0 completed, 1 diverged or failed, 2 bad flags, 130 interrupted. */
const EXIT_CODES = { completed: 0, diverged: 1, failed: 1, interrupted: 130, running: 1 } as const;

/**
 * Runs `experiment` from the command line and returns the process exit code.
 *
 * The data-directory environment variable (`MNIST_DATA_DIR`,
 * `FASHION_MNIST_DATA_DIR`) is read here, and only here, as the fallback of
 * `--data-dir`; relative folders resolve against where the user ran the
 * command (`INIT_CWD`, which `deno task` sets, else the working folder).
 * SIGINT, SIGTERM and SIGHUP are listened for from the first run folder to
 * the last manifest, so a signal at any moment leaves every run folder
 * consistent: `completed` if its training had finished, else `interrupted`.
 *
 * @param experiment the experiment file's declaration.
 * @param args `Deno.args`.
 * @param options how files are written (tests inject a failing writer).
 */
export async function runExperimentCli(
  experiment: Experiment,
  args: string[],
  options: Pick<RunOptions, "write"> = {},
): Promise<number> {
  const envVar = dataDirEnvVar(experiment.dataset);
  const armNames = experiment.arms?.map((a) => a.name);
  let parsed;
  try {
    parsed = parseCommandLine(args, {
      defaults: experiment.defaults,
      extraFlags: experiment.extraFlags,
      armNames,
      out: DEFAULT_RESULTS_ROOT,
      env: { dataDir: readEnv(envVar) },
      cwd: readEnv("INIT_CWD") ?? Deno.cwd(),
    });
    if (!parsed.help) checkWritable(experiment, parsed.controls.resume ?? parsed.controls.out, args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`exp:${experiment.name}: ${error.message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(helpText(`exp:${experiment.name}`, { ...experiment, armNames, envVar, out: DEFAULT_RESULTS_ROOT }));
    return 0;
  }
  for (const warning of parsed.warnings) console.error(`exp:${experiment.name}: warning: ${warning}`);
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
      code = await runOnce(experiment, { ...options, overrides, controls: parsed.controls, signal: stop.signal });
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
 * Gives a signal that arrived during synchronous work time to reach its
 * listener: the event loop must block once in the operating system to read
 * it, which a zero-delay timer does not ensure (about 1 in 150 were missed
 * that way in a probe); a 5 ms timer makes it block (none missed in 2,000).
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
 * Refuses an `--out` folder this process may not write (the `deno task`
 * commands may write only under `results/`), printing the `deno run` line
 * with the task's own permissions plus that folder.
 *
 * @throws {UsageError} with the line to run instead.
 */
function checkWritable(experiment: Experiment, out: string, args: string[]): void {
  if (Deno.permissions.querySync({ name: "write", path: out }).state === "granted") return;
  const line = shellLine([...experimentCommand(experiment.name, out), ...args]);
  throw new UsageError(`--out: cannot write to ${out} with this command's permissions; run instead:\n  ${line}`);
}

async function runOnce(experiment: Experiment, options: RunOptions): Promise<number> {
  let outcome;
  try {
    outcome = await runExperiment(experiment, options);
  } catch (error) {
    console.error(`exp:${experiment.name}: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
  const { manifest } = outcome;
  const cwd = readEnv("INIT_CWD") ?? Deno.cwd();
  const end = runEnd(outcome, { controls: options.controls ?? {}, cwd, envVar: dataDirEnvVar(experiment.dataset) });
  if (end.out) console.log(`\n${end.out}`);
  if (end.err) console.error(`\n${end.err}`);
  return EXIT_CODES[manifest.status];
}
