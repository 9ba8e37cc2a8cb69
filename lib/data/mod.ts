/**
 * Datasets: finding, checking and loading MNIST and Fashion-MNIST as bytes, and turning selected images into
 * float batches, e.g. `batchOf(takeFirst((await loadDataset("fashion-mnist")).train, 1000), [0], { transform })`.
 *
 * @module
 */
export * from "./image_set.ts";
export * from "./registry.ts";
export * from "./idx.ts";
export * from "./discover.ts";
export * from "./transforms.ts";
export type { DType, FloatArray, Tensor } from "../tensor/mod.ts";
