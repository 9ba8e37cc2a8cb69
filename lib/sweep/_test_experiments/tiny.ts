/**
 * The tiny test experiment as an experiment file, so sweep tests can run it
 * in its own process as `experiments/<name>.ts` files are run.
 *
 * @module
 */
import { runExperimentCli } from "../../experiment/mod.ts";
import { tinyExperiment } from "../../testing/tiny_experiment.ts";

export { tinyExperiment };

if (import.meta.main) Deno.exit(await runExperimentCli(tinyExperiment, Deno.args));
