/**
 * The in-memory form of one split of an image dataset: bytes, not floats.
 *
 * Images stay `Uint8Array` until a batch is formed (see `batch.ts`), so the
 * full Fashion-MNIST training set costs its 47 MB of pixels and nothing more.
 *
 * @module
 */

import { firstLabelAtLeast } from "./_util.ts";

/**
 * One split of an image classification dataset, NCHW bytes plus labels.
 *
 * Image `i` occupies `images[i * C * H * W, (i + 1) * C * H * W)`, laid out
 * channel, row, column (the layout `lib/tensor` writes down).
 */
export interface ImageSet {
  /** `count * channels * height * width` bytes, NCHW. */
  readonly images: Uint8Array;
  /** `count` labels, each below `classes`. */
  readonly labels: Uint8Array;
  /** The number of images. */
  readonly count: number;
  /** Channels per image (1 for MNIST). */
  readonly channels: number;
  /** Rows per image. */
  readonly height: number;
  /** Columns per image. */
  readonly width: number;
  /** The number of classes (10, or fewer after `filterClasses`). */
  readonly classes: number;
  /** The name of each class, indexed by label; `classes` entries. */
  readonly classNames: readonly string[];
}

/** The class names of the ten digits, `"0"` to `"9"`. */
export const DIGIT_CLASS_NAMES: readonly string[] = Object.freeze([..."0123456789"]);

/**
 * The number of bytes one image of `set` occupies, `channels * height * width`.
 *
 * @param set The split.
 * @returns Bytes per image.
 */
export function imageSize(set: ImageSet): number {
  return set.channels * set.height * set.width;
}

/**
 * Throws unless `set`'s arrays agree with its counts and every label is below
 * `classes`; the message names `where` and the first disagreement.
 *
 * @param set The split to check.
 * @param where Who is asking, for the message (a function or file name).
 * @throws {RangeError} on the first inconsistency found.
 */
export function assertImageSet(set: ImageSet, where: string): void {
  const size = imageSize(set);
  if (set.images.length !== set.count * size) {
    throw new RangeError(
      `${where}: expected ${set.count} images of ${size} bytes ` +
        `(${set.count * size} bytes), got ${set.images.length}`,
    );
  }
  if (set.labels.length !== set.count) {
    throw new RangeError(
      `${where}: expected ${set.count} labels, got ${set.labels.length}`,
    );
  }
  if (set.classNames.length !== set.classes) {
    throw new RangeError(
      `${where}: expected ${set.classes} class names, got ${set.classNames.length}`,
    );
  }
  const index = firstLabelAtLeast(set.labels, set.classes);
  if (index >= 0) {
    throw new RangeError(
      `${where}: label ${set.labels[index]} at index ${index} is out of range ` +
        `for ${set.classes} classes`,
    );
  }
}
