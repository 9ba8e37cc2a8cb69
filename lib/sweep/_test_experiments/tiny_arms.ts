/**
 * The two-armed tiny test experiment as an experiment file (see `tiny.ts`).
 *
 * @module
 */
import { tinyArmsExperiment } from "../../testing/tiny_experiment.ts";

export { tinyArmsExperiment };
