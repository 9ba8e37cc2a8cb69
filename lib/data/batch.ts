/**
 * Forming a batch: the only place pixel bytes become floats, and only for
 * the images selected.
 *
 * @module
 */

import { type DType, dtypeOf, type FloatArray, type Tensor, zerosOf } from "../tensor/mod.ts";
import { type ImageSet, imageSize } from "./image_set.ts";
import type { PixelTransform } from "./transforms.ts";

/** Options of {@linkcode batchOf}. */
export interface BatchOptions {
  /** How bytes become floats, e.g. `scaleUnit`. */
  readonly transform: PixelTransform;
  /** The element type of `x`. Default `float32`. */
  readonly dtype?: DType;
  /**
   * Where to write the floats instead of a new array: of that element type
   * and at least n * C * H * W long. `x.data` is `into` when exactly that
   * long, else a view of its start. A loop that forms a batch every step
   * saves an allocation per step this way (a new typed array of an image or
   * more costs more than converting the image).
   */
  readonly into?: FloatArray;
}

/** A batch: images as a tensor and their labels. */
export interface Batch {
  /** `[n, C, H, W]`, NCHW. */
  readonly x: Tensor;
  /** `n` labels, in the same order. */
  readonly labels: Int32Array;
}

/**
 * Converts the selected images of a split into a float tensor through a
 * pixel transform. Only those images are converted; the training loop calls
 * this once per step, so it makes two allocations and one pass.
 *
 * @param set The split.
 * @param indices Which images, in batch order (repeats allowed).
 * @param options The transform and the element type.
 * @returns `x` of shape `[indices.length, C, H, W]` and the labels.
 * @throws {RangeError} when an index is not an integer in `[0, set.count)`.
 *
 * @example
 * ```ts ignore
 * import { batchOf, scaleUnit } from "./mod.ts";
 * const { x, labels } = batchOf(train, [0, 5, 7], { transform: scaleUnit });
 * x.shape; // [3, 1, 28, 28]
 * ```
 */
export function batchOf(set: ImageSet, indices: ArrayLike<number>, options: BatchOptions): Batch {
  const n = indices.length;
  const size = imageSize(set);
  const { into } = options;
  if (into && !(into.length >= n * size && dtypeOf(into) === (options.dtype ?? "float32"))) {
    throw new RangeError(
      `batchOf: into holds ${into.length} ${dtypeOf(into)}, not ${n * size} ${options.dtype ?? "float32"}`,
    );
  }
  const data = !into
    ? zerosOf(options.dtype ?? "float32", n * size)
    : into.length === n * size
    ? into
    : into.subarray(0, n * size);
  const labels = new Int32Array(n);
  const { transform } = options;
  for (let b = 0; b < n; b++) {
    const index = indices[b];
    if (!(index >= 0 && index < set.count && Number.isInteger(index))) {
      throw new RangeError(`batchOf: index ${index} at position ${b} is out of range for ${set.count} images`);
    }
    transform.apply(set.images, index * size, data, b * size, size);
    labels[b] = set.labels[index];
  }
  return { x: { data, shape: [n, set.channels, set.height, set.width] }, labels };
}
