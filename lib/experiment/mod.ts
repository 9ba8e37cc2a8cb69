/**
 * The experiment runner: settings and flags, run folders, progress, the run itself.
 *
 * @module
 */
export * from "./cli.ts";
export * from "./environment.ts";
export * from "./experiment.ts";
export * from "./outputs.ts";
export * from "./progress.ts";
export * from "./run.ts";
export * from "./arm_plan.ts";
export * from "./settings.ts";
export * from "./registry.ts";
export * from "./run_end.ts";
