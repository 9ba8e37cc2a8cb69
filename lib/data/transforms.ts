/**
 * Operations on splits and pixels: splits stay bytes; pixels become floats only in {@linkcode batchOf}.
 *
 * @module
 */
import { type DType, dtypeOf, type FloatArray, type Tensor, zerosOf } from "../tensor/mod.ts";
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

/** The first `n` images of a split, as views (no copy): e.g. Zhou's 1,000-image subset. */
export function takeFirst(set: ImageSet, n: number): ImageSet {
  assertCount(n, set, "takeFirst");
  return slice(set, 0, n);
}

/** Splits off the last `n` images as a validation set; both parts are views. */
export function holdOutLast(set: ImageSet, n: number): { train: ImageSet; validation: ImageSet } {
  assertCount(n, set, "holdOutLast");
  return { train: slice(set, 0, set.count - n), validation: slice(set, set.count - n, set.count) };
}

/** Keeps some classes' images, copied, and renumbers them: `[1, 3]` of Fashion-MNIST gives Trouser 0, Dress 1. */
export function filterClasses(set: ImageSet, classes: readonly number[]): ImageSet {
  if (classes.length === 0) throw new RangeError("filterClasses: expected at least one class");
  const map = new Int16Array(set.classes).fill(-1);
  classes.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= set.classes) {
      throw new RangeError(`filterClasses: class ${label} is out of range for ${set.classes} classes`);
    }
    if (map[label] >= 0) throw new RangeError(`filterClasses: class ${label} is listed twice`);
    map[label] = i;
  });
  const kept = Array.from(set.labels.keys()).filter((i) => map[set.labels[i]] >= 0);
  const size = imageSize(set);
  const images = new Uint8Array(kept.length * size);
  kept.forEach((i, j) => images.set(set.images.subarray(i * size, (i + 1) * size), j * size));
  return {
    ...set,
    images,
    labels: Uint8Array.from(kept, (i) => map[set.labels[i]]),
    count: kept.length,
    classes: classes.length,
    classNames: classes.map((label) => set.classNames[label]),
  };
}

/**
 * Turns pixel bytes into floats while a batch is formed. `srcOffset` is an offset into a split's `images`, so a
 * per-pixel transform knows which pixel of the image each byte is.
 */
export interface PixelTransform {
  /** A short name for the manifest, e.g. `x/255`. */
  readonly name: string;
  /** Writes `dst[dstOffset + i]` from `src[srcOffset + i]` for `0 <= i < length`. */
  apply(src: Uint8Array, srcOffset: number, dst: FloatArray, dstOffset: number, length: number): void;
}

/** A transform `x / 255 + offset`, named `name`. */
function scaled(name: string, offset: number): PixelTransform {
  // The 256 values `v / 255 + offset` computed once: the same doubles, so the same floats, without a division per pixel.
  const values = Float64Array.from({ length: 256 }, (_, v) => v / 255 + offset);
  return Object.freeze({
    name,
    apply(src: Uint8Array, srcOffset: number, dst: FloatArray, dstOffset: number, length: number) {
      for (let i = 0; i < length; i++) dst[dstOffset + i] = values[src[srcOffset + i]];
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
 * Fits `(x - mean) / (std + epsilon)` per pixel position to a split (the training split, for every split), in
 * float64; `epsilon` (default 1e-7) keeps constant pixels finite.
 */
export function standardizer(set: ImageSet, options: { epsilon?: number } = {}): Standardizer {
  if (set.count === 0) throw new RangeError("standardizer: cannot fit to an empty split");
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
  return standardizerOf(mean, std, options.epsilon ?? 1e-7);
}

/** The standardization of fitted statistics (see {@linkcode standardizer}). */
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

/** A transform as JSON text for {@linkcode transformFromRecord}: its name, and a standardization's statistics. */
export function transformRecord(transform: PixelTransform): string {
  const { name, mean, std, epsilon } = transform as Partial<Standardizer>;
  return JSON.stringify(mean && std ? { name, mean: [...mean], std: [...std], epsilon } : { name });
}

/** Rebuilds a transform from {@linkcode transformRecord}'s text; throws for anything else. */
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

/**
 * The images at `indices` (repeats allowed) as a `dtype` (default float32) tensor `[n, C, H, W]`, and their
 * labels. The training loop calls it every step: two allocations, none when it passes `into` (of that type, at
 * least n * C * H * W long; `x.data` is it or views its start), as a new array costs more than converting.
 */
export function batchOf(
  set: ImageSet,
  indices: ArrayLike<number>,
  options: { readonly transform: PixelTransform; readonly dtype?: DType; readonly into?: FloatArray },
): { x: Tensor; labels: Int32Array } {
  const n = indices.length;
  const size = imageSize(set);
  const { into, dtype = "float32" } = options;
  if (into && !(into.length >= n * size && dtypeOf(into) === dtype)) {
    throw new RangeError(`batchOf: into holds ${into.length} ${dtypeOf(into)}, not ${n * size} ${dtype}`);
  }
  const data = !into ? zerosOf(dtype, n * size) : into.length === n * size ? into : into.subarray(0, n * size);
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
