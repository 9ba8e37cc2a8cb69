/**
 * `deno task exp NAME [flags]`: runs the experiment `experiments/NAME.ts` exports (any file of that folder), or the
 * experiment file at the path `NAME` (`.ts`). `--help` after the name lists its flags, before it the experiments.
 *
 * ```sh
 * deno task exp zhou --epochs 1
 * deno task exp my_net --help
 * ```
 *
 * @module
 */
import { runCli, runMain } from "../cli/mod.ts";
import { runExperimentCli } from "./cli.ts";
import { experimentFromFile, findExperiment, listExperiments } from "./registry.ts";

/** Runs the command line and returns the exit code; `options.dir` is the experiments folder (default the repository's). */
export async function expCli(args: string[], options: { dir?: string; cwd?: string } = {}): Promise<number> {
  const [name, ...rest] = args;
  const command = { task: "exp", usage: "NAME", about: "", flags: {}, positionals: { min: 1, max: 1 } };
  if (name === undefined || name.startsWith("-")) {
    const experiments = await listExperiments(options.dir);
    const width = Math.max(0, ...experiments.map((e) => e.name.length)) + 2;
    command.about = [
      "Runs an experiment: NAME.ts of experiments/, or the path of an experiment file.",
      "",
      "Experiments:",
    ]
      .concat(experiments.map((e) => `  ${e.name.padEnd(width)}${e.title}`))
      .concat(["", "deno task exp NAME --help lists NAME's flags."]).join("\n");
    return await runCli(command, args, { run: () => 0 });
  }
  let experiment;
  const found = await runCli(command, [name], {
    run: async () => {
      experiment = name.endsWith(".ts") ? await experimentFromFile(name) : await findExperiment(name, options.dir);
      return 0;
    },
  });
  return experiment ? await runExperimentCli(experiment, rest, { cwd: options.cwd }) : found;
}

if (import.meta.main) await runMain(expCli);
