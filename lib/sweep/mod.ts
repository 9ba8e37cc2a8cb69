/**
 * Sweeps: a plan of experiments x settings x seeds, run on local cores or as a Slurm job array.
 *
 * @module
 */
export * from "./lock.ts";
export * from "./plan.ts";
export * from "./run_one.ts";
export * from "./slurm.ts";
export * from "./folders.ts";
