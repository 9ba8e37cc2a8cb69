/**
 * Optimizers, in order of increasing complexity: SGD, momentum, Adam.
 *
 * @module
 */
export * from "./adam.ts";
export * from "./momentum.ts";
export * from "./optimizer.ts";
export * from "./registry.ts";
export * from "./sgd.ts";
