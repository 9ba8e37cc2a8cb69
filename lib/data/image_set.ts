/** One split of an image dataset: NCHW bytes (floats only in a batch, so Fashion-MNIST costs 47 MB) and labels. */
export interface ImageSet {
  /** `count * channels * height * width` bytes; image `i` starts at `i * imageSize(set)`. */
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
  /** The name of each class, indexed by label. */
  readonly classNames: readonly string[];
}

/** The bytes one image of `set` occupies, `channels * height * width`. */
export function imageSize(set: ImageSet): number {
  return set.channels * set.height * set.width;
}
