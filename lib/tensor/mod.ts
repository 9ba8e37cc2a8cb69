/**
 * Tensors: a flat typed array plus a shape, NCHW row-major.
 *
 * @module
 */
export * from "./tensor.ts";
