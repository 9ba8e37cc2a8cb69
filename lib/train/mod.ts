/**
 * Training and evaluation: the loop, metrics, and how a run can stop early.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./evaluate.ts";
export * from "./metrics.ts";
export * from "./train.ts";
export type { Replica } from "./parallel.ts";
