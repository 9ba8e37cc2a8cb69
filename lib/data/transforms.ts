/**
 * Reusable operations on splits and pixels. Splits stay bytes: subsets are
 * views where they can be and byte copies where they must be; pixels become
 * floats only when a batch is formed, through a {@linkcode PixelTransform}.
 *
 * @module
 */

import type { FloatArray } from "../tensor/mod.ts";
import { type ImageSet, imageSize } from "./image_set.ts";

function assertCount(n: number, set: ImageSet, where: string): void {
  if (!Number.isInteger(n) || n < 0 || n > set.count) {
    throw new RangeError(`${where}: n must be an integer in [0, ${set.count}], got ${n}`);
  }
}

function slice(set: ImageSet, start: number, end: number): ImageSet {
  const size = imageSize(set);
  return {
    ...set,
    images: set.images.subarray(start * size, end * size),
    labels: set.labels.subarray(start, end),
    count: end - start,
  };
}

/**
 * The first `n` images of a split, as views (no copy).
 *
 * @param set The split.
 * @param n How many, `0 <= n <= set.count`.
 * @returns A split sharing `set`'s bytes.
 * @throws {RangeError} when `n` is not an integer in range.
 *
 * @example
 * ```ts ignore
 * const small = takeFirst(train, 1000); // Zhou's 1,000-image subset
 * ```
 */
export function takeFirst(set: ImageSet, n: number): ImageSet {
  assertCount(n, set, "takeFirst");
  return slice(set, 0, n);
}

/**
 * Splits off the last `n` images as a validation set, both parts views.
 *
 * @param set The split.
 * @param n How many to hold out, `0 <= n <= set.count`.
 * @returns `train`, the first `count - n` images, and `validation`, the last `n`.
 * @throws {RangeError} when `n` is not an integer in range.
 */
export function holdOutLast(set: ImageSet, n: number): { train: ImageSet; validation: ImageSet } {
  assertCount(n, set, "holdOutLast");
  return { train: slice(set, 0, set.count - n), validation: slice(set, set.count - n, set.count) };
}

/**
 * Keeps the images of some classes and renumbers them: the `i`-th class
 * listed becomes label `i`, and the class names follow. Images are copied
 * (as bytes) since the kept ones are not contiguous.
 *
 * @param set The split.
 * @param classes Distinct labels of `set` to keep, in their new order.
 * @returns A split of `classes.length` classes.
 * @throws {RangeError} when `classes` is empty, repeats a label or names one out of range.
 *
 * @example
 * ```ts ignore
 * const trousersVsDresses = filterClasses(train, [1, 3]); // labels 0 and 1
 * trousersVsDresses.classNames; // ["Trouser", "Dress"]
 * ```
 */
export function filterClasses(set: ImageSet, classes: readonly number[]): ImageSet {
  if (classes.length === 0) {
    throw new RangeError("filterClasses: expected at least one class");
  }
  const map = new Int16Array(set.classes).fill(-1);
  classes.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= set.classes) {
      throw new RangeError(`filterClasses: class ${label} is out of range for ${set.classes} classes`);
    }
    if (map[label] >= 0) {
      throw new RangeError(`filterClasses: class ${label} is listed twice`);
    }
    map[label] = i;
  });
  let count = 0;
  for (let i = 0; i < set.count; i++) if (map[set.labels[i]] >= 0) count++;
  const size = imageSize(set);
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  let j = 0;
  for (let i = 0; i < set.count; i++) {
    const label = map[set.labels[i]];
    if (label < 0) continue;
    labels[j] = label;
    images.set(set.images.subarray(i * size, (i + 1) * size), j * size);
    j++;
  }
  return {
    ...set,
    images,
    labels,
    count,
    classes: classes.length,
    classNames: classes.map((label) => set.classNames[label]),
  };
}

/**
 * Turns pixel bytes into floats while a batch is formed.
 *
 * `apply` writes `dst[dstOffset + i]` from `src[srcOffset + i]` for
 * `0 <= i < length`. Offsets into `src` are offsets into a split's `images`,
 * so per-pixel transforms know which pixel of the image each byte is.
 */
export interface PixelTransform {
  /** A short name for the manifest, e.g. `x/255`. */
  readonly name: string;
  /** Converts `length` bytes starting at `src[srcOffset]` into `dst[dstOffset]`. */
  apply(src: Uint8Array, srcOffset: number, dst: FloatArray, dstOffset: number, length: number): void;
}

/** A transform `x / 255 + offset`, named `name`. */
function scaled(name: string, offset: number): PixelTransform {
  // The 256 values `v / 255 + offset` computed once: the same doubles, so the same floats, without a division per pixel.
  const values = Float64Array.from({ length: 256 }, (_, v) => v / 255 + offset);
  return Object.freeze({
    name,
    apply(src: Uint8Array, srcOffset: number, dst: FloatArray, dstOffset: number, length: number) {
      for (let i = 0; i < length; i++) {
        dst[dstOffset + i] = values[src[srcOffset + i]];
      }
    },
  });
}

/** Scales pixels to [0, 1]: `x / 255`. */
export const scaleUnit: PixelTransform = scaled("x/255", 0);

/** Scales pixels to [-0.5, 0.5]: `x / 255 - 0.5`, as Zhou's CNN-from-scratch does. */
export const scaleCentered: PixelTransform = scaled("x/255-0.5", -0.5);

/** A per-pixel standardization, with the statistics it was fitted to. */
export interface Standardizer extends PixelTransform {
  /** Mean of each pixel position (C*H*W entries), over the fitted split. */
  readonly mean: Float64Array;
  /** Population standard deviation of each pixel position. */
  readonly std: Float64Array;
  /** Added to `std` before dividing. */
  readonly epsilon: number;
}

/**
 * Fits a per-pixel standardization to a split: each pixel position's mean
 * and (population) standard deviation over the split's images, in float64,
 * then applies `(x - mean) / (std + epsilon)`. Fit it on the training split
 * and apply it to every split.
 *
 * @param set The split to fit (usually the training split).
 * @param options `epsilon`, default 1e-7, keeps constant pixels (always 0) finite.
 * @returns The transform, named `standardize`.
 * @throws {RangeError} when `set` holds no images.
 */
export function standardizer(set: ImageSet, options: { epsilon?: number } = {}): Standardizer {
  if (set.count === 0) {
    throw new RangeError("standardizer: cannot fit to an empty split");
  }
  const epsilon = options.epsilon ?? 1e-7;
  const size = imageSize(set);
  const mean = new Float64Array(size);
  const std = new Float64Array(size);
  const { images, count } = set;
  for (let n = 0; n < count; n++) {
    const base = n * size;
    for (let p = 0; p < size; p++) mean[p] += images[base + p];
  }
  for (let p = 0; p < size; p++) mean[p] /= count;
  // Two passes: the sum of squared deviations, not E[x^2] - E[x]^2, which cancels badly.
  for (let n = 0; n < count; n++) {
    const base = n * size;
    for (let p = 0; p < size; p++) {
      const d = images[base + p] - mean[p];
      std[p] += d * d;
    }
  }
  for (let p = 0; p < size; p++) std[p] = Math.sqrt(std[p] / count);
  return standardizerOf(mean, std, epsilon);
}

/** The standardization `(x - mean) / (std + epsilon)` of fitted statistics (see {@linkcode standardizer}). */
function standardizerOf(mean: Float64Array, std: Float64Array, epsilon: number): Standardizer {
  const size = mean.length;
  const denominator = std.map((s) => s + epsilon);
  return {
    name: "standardize",
    mean,
    std,
    epsilon,
    apply(src, srcOffset, dst, dstOffset, length) {
      let p = srcOffset % size;
      for (let i = 0; i < length; i++) {
        dst[dstOffset + i] = (src[srcOffset + i] - mean[p]) / denominator[p];
        if (++p === size) p = 0;
      }
    },
  };
}

/**
 * A transform as JSON text, enough to rebuild it with {@linkcode transformFromRecord}: its name, and for a
 * standardization its fitted statistics.
 */
export function transformRecord(transform: PixelTransform): string {
  const { name, mean, std, epsilon } = transform as Partial<Standardizer>;
  return JSON.stringify(mean && std ? { name, mean: [...mean], std: [...std], epsilon } : { name });
}

/**
 * Rebuilds a transform from {@linkcode transformRecord}'s text.
 *
 * @throws {Error} when the text is not such a record or names an unknown transform.
 */
export function transformFromRecord(text: string): PixelTransform {
  let record: { name?: unknown; mean?: number[]; std?: number[]; epsilon?: number };
  try {
    record = JSON.parse(text);
  } catch {
    throw new Error(`transformFromRecord: not JSON: ${text.slice(0, 60)}`);
  }
  const named = [scaleUnit, scaleCentered].find((t) => t.name === record.name);
  if (named) return named;
  const { mean, std, epsilon } = record;
  if (record.name === "standardize" && Array.isArray(mean) && Array.isArray(std) && typeof epsilon === "number") {
    return standardizerOf(Float64Array.from(mean), Float64Array.from(std), epsilon);
  }
  throw new Error(`transformFromRecord: unknown transform ${JSON.stringify(record.name)}`);
}
