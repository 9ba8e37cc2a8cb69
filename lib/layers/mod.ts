/**
 * Layers: one uniform interface (forward, backward, params) over the kernels.
 *
 * @module
 */
export * from "./activations.ts";
export * from "./conv2d.ts";
export * from "./dense.ts";
export * from "./initializers.ts";
export * from "./layer.ts";
export * from "./max_pool2d.ts";
export * from "./sequential.ts";
