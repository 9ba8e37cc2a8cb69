/**
 * The tiny test experiment as an experiment file, so sweep tests can run it
 * in its own process as `experiments/<name>.ts` files are run.
 *
 * @module
 */
import { tinyExperiment } from "../../testing/tiny_experiment.ts";

export { tinyExperiment };
