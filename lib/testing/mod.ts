/**
 * Finite-difference gradient checks for kernels, layers and whole models.
 *
 * @module
 */
export * from "./check_layer.ts";
export * from "./gradient_check.ts";
