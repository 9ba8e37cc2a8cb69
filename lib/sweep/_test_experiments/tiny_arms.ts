/**
 * The two-armed tiny test experiment as an experiment file (see `tiny.ts`).
 *
 * @module
 */
import { runExperimentCli } from "../../experiment/mod.ts";
import { tinyArmsExperiment } from "../../testing/tiny_experiment.ts";

export { tinyArmsExperiment };

if (import.meta.main) Deno.exit(await runExperimentCli(tinyArmsExperiment, Deno.args));
