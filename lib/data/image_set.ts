/**
 * The in-memory form of one split of an image dataset: bytes, not floats.
 *
 * Images stay `Uint8Array` until a batch is formed (see `batch.ts`), so the
 * full Fashion-MNIST training set costs its 47 MB of pixels and nothing more.
 *
 * @module
 */

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
