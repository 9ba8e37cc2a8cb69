/**
 * The command line of every experiment: parse flags, run, report, exit code.
 *
 * @module
 */
import { dataDirEnvVar } from "../data/mod.ts";
import type { Experiment } from "./experiment.ts";
import { DEFAULT_RESULTS_ROOT, runExperiment } from "./run.ts";
import { helpText, parseCommandLine, type ParsedCommandLine, UsageError } from "./settings.ts";

/** Exit codes: 0 completed, 1 diverged or failed, 2 bad flags, 130 interrupted. */
const EXIT_CODES = { completed: 0, diverged: 1, failed: 1, interrupted: 130, running: 1 } as const;

/**
 * Runs `experiment` from the command line and returns the process exit code.
 *
 * The data-directory environment variable (`MNIST_DATA_DIR`,
 * `FASHION_MNIST_DATA_DIR`) is read here, and only here, as the fallback of
 * `--data-dir`.
 *
 * @param experiment the experiment file's declaration.
 * @param args `Deno.args`.
 */
export async function runExperimentCli(experiment: Experiment, args: string[]): Promise<number> {
  const envVar = dataDirEnvVar(experiment.dataset);
  let envDir: string | undefined;
  try {
    envDir = Deno.env.get(envVar) || undefined;
  } catch {
    envDir = undefined; // no --allow-env for it: the flag still works
  }
  const armNames = experiment.arms?.map((a) => a.name);
  let parsed;
  try {
    parsed = parseCommandLine(args, {
      defaults: experiment.defaults,
      extraFlags: experiment.extraFlags,
      armNames,
      out: DEFAULT_RESULTS_ROOT,
      env: { dataDir: envDir },
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`exp:${experiment.name}: ${error.message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(helpText(`exp:${experiment.name}`, { ...experiment, armNames, envVar, out: DEFAULT_RESULTS_ROOT }));
    return 0;
  }
  const seeds = parsed.controls.seeds ?? [parsed.settings.seed];
  let code = 0;
  for (const seed of seeds) {
    if (seeds.length > 1) console.log(`\n=== seed ${seed} (${seeds.indexOf(seed) + 1} of ${seeds.length}) ===`);
    code = await runOnce(experiment, { ...parsed, overrides: { ...parsed.overrides, seed } });
    if (code !== 0) break; // an interrupted or failed seed stops the series
  }
  return code;
}

async function runOnce(
  experiment: Experiment,
  parsed: Pick<ParsedCommandLine, "overrides" | "controls">,
): Promise<number> {
  let outcome;
  try {
    outcome = await runExperiment(experiment, { overrides: parsed.overrides, controls: parsed.controls });
  } catch (error) {
    console.error(`exp:${experiment.name}: ${(error as Error).message}`);
    return 1;
  }
  const { manifest, runDir } = outcome;
  const finals = Object.entries(manifest.final_metrics).map(([key, m]) =>
    `${key}: loss ${m.loss.toFixed(4)}, accuracy ${m.accuracy.toFixed(4)}, macro-F1 ${m.macro_f1.toFixed(4)}`
  );
  if (manifest.status === "completed") {
    console.log(`\n${finals.join("\n")}\ncompleted in ${manifest.wall_seconds?.toFixed(1)} s; results in ${runDir}`);
  } else {
    console.error(
      `\nexp:${experiment.name}: run ${manifest.status}: ${manifest.status_detail}\n` +
        (manifest["samples_seen"] > 0
          ? `the rows written so far are kept in ${runDir}`
          : `nothing was trained; ${runDir}/manifest.json records why`),
    );
  }
  return EXIT_CODES[manifest.status];
}
