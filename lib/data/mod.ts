/**
 * Datasets: finding, checking and loading MNIST and Fashion-MNIST as bytes,
 * and turning selected images into float batches.
 *
 * ```ts ignore
 * import { batchOf, loadDataset, scaleUnit, takeFirst } from "./mod.ts";
 * const { train, record } = await loadDataset("fashion-mnist");
 * const { x, labels } = batchOf(takeFirst(train, 1000), [0], { transform: scaleUnit });
 * ```
 *
 * @module
 */
export * from "./image_set.ts";
export * from "./registry.ts";
export * from "./checksum.ts";
export * from "./idx.ts";
export * from "./discover.ts";
export * from "./transforms.ts";
export * from "./batch.ts";
export type { DType, FloatArray, Tensor } from "../tensor/mod.ts";
