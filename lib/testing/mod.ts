/**
 * Test helpers: finite-difference gradient checks for kernels, layers and
 * whole models; temporary folders; skipping tests that lack a permission.
 *
 * @module
 */
export * from "./check_layer.ts";
export * from "./gradient_check.ts";
export * from "./io.ts";
