/**
 * Tensors (a flat typed array plus a shape, NCHW row-major) and parameters.
 *
 * @module
 */
export * from "./param.ts";
export * from "./tensor.ts";
