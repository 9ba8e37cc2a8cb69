/**
 * Kernels: pure functions over typed arrays, cs231n-style forward/backward
 * pairs. They allocate their outputs, hold no state and read no globals; the
 * layers call them, and a faster backend can replace them one by one.
 *
 * @module
 */
export * from "./activations.ts";
export * from "./conv2d.ts";
export * from "./dense.ts";
export * from "./exact_math.ts";
export * from "./max_pool2d.ts";
export * from "./sgd.ts";
