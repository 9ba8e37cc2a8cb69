/**
 * The suite's library: everything an experiment file imports.
 *
 * @module
 */
export * from "./backend/mod.ts";
export * from "./cli/mod.ts";
export * from "./data/mod.ts";
export * from "./experiment/mod.ts";
export * from "./kernels/mod.ts";
export * from "./layers/mod.ts";
export * from "./losses/mod.ts";
export * from "./optim/mod.ts";
export * from "./report/mod.ts";
export * from "./run/mod.ts";
export * from "./rng/mod.ts";
export * from "./tensor/mod.ts";
export * from "./train/mod.ts";
export * from "./bench/mod.ts";
export * from "./checkpoint/mod.ts";
