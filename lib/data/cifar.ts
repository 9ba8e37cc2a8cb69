/**
 * The binary version of CIFAR-10: `data_batch_1.bin` to `data_batch_5.bin`
 * and `test_batch.bin`.
 *
 * Each file is a run of 3073-byte records: one label byte (0 to 9), then
 * 3072 pixel bytes, the red, green and blue 32x32 planes in turn, each
 * row-major; that is one CHW image, so records copy straight into NCHW.
 * Described at https://www.cs.toronto.edu/~kriz/cifar.html ("Binary version").
 *
 * @module
 */

import type { DatasetFileRecord } from "../report/manifest.ts";
import { type ChecksumOptions, readChecked } from "./checksum.ts";
import type { ImageSet } from "./image_set.ts";
import type { LoadedSplit } from "./idx.ts";
import { messageOf } from "./_util.ts";

/** Channels of a CIFAR-10 image. */
export const CIFAR_CHANNELS = 3;
/** Rows and columns of a CIFAR-10 image. */
export const CIFAR_SIDE = 32;
/** Bytes of one record: a label byte and a 3x32x32 image. */
export const CIFAR_RECORD_BYTES: number = 1 +
  CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE;

/** The CIFAR-10 class names, indexed by label (from the archive's `batches.meta.txt`). */
export const CIFAR10_CLASS_NAMES: readonly string[] = Object.freeze([
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
]);

/** Options of {@linkcode readCifarBatches}. */
export interface ReadCifarOptions extends ChecksumOptions {
  /** Class names, indexed by label; their number bounds the labels. Default CIFAR-10's ten. */
  readonly classNames?: readonly string[];
}

function checkLength(length: number, path: string): number {
  if (length === 0 || length % CIFAR_RECORD_BYTES !== 0) {
    throw new Error(
      `CIFAR batch ${path}: ${length} bytes is not a positive multiple of the ` +
        `${CIFAR_RECORD_BYTES}-byte record (1 label + 3x32x32 pixels)` +
        (length > 0
          ? `; ${Math.floor(length / CIFAR_RECORD_BYTES)} whole records and ` +
            `${length % CIFAR_RECORD_BYTES} bytes left over (truncated or padded)`
          : ""),
    );
  }
  return length / CIFAR_RECORD_BYTES;
}

/**
 * Splits CIFAR binary records into `images` and `labels`, written at
 * `offset` images into the targets.
 */
function decodeInto(
  bytes: Uint8Array,
  path: string,
  into: {
    images: Uint8Array;
    labels: Uint8Array;
    offset: number;
    classes: number;
  },
): number {
  const count = checkLength(bytes.length, path);
  const pixels = CIFAR_RECORD_BYTES - 1;
  for (let i = 0; i < count; i++) {
    const record = i * CIFAR_RECORD_BYTES;
    const label = bytes[record];
    if (label >= into.classes) {
      throw new Error(
        `CIFAR batch ${path}: label ${label} of record ${i} (byte ${record}) is out of ` +
          `range for ${into.classes} classes`,
      );
    }
    into.labels[into.offset + i] = label;
    into.images.set(
      bytes.subarray(record + 1, record + CIFAR_RECORD_BYTES),
      (into.offset + i) * pixels,
    );
  }
  return count;
}

/**
 * Decodes one CIFAR-10 binary batch.
 *
 * @param bytes The file's bytes.
 * @param path The file's path, named in every message.
 * @param options Class names; their number bounds the labels (default CIFAR-10's ten).
 * @returns The split, its images copied out of the interleaved records.
 * @throws {Error} naming the file when its length is not a multiple of 3073 or a label is out of range.
 *
 * @example
 * ```ts
 * import { decodeCifarBatch } from "./cifar.ts";
 * const record = new Uint8Array(3073);
 * record[0] = 7;
 * decodeCifarBatch(record, "one.bin").labels; // Uint8Array [7]
 * ```
 */
export function decodeCifarBatch(
  bytes: Uint8Array,
  path: string,
  options: { classNames?: readonly string[] } = {},
): ImageSet {
  const classNames = options.classNames ?? CIFAR10_CLASS_NAMES;
  const count = checkLength(bytes.length, path);
  const images = new Uint8Array(count * (CIFAR_RECORD_BYTES - 1));
  const labels = new Uint8Array(count);
  decodeInto(bytes, path, {
    images,
    labels,
    offset: 0,
    classes: classNames.length,
  });
  return cifarSet(images, labels, classNames);
}

/**
 * Reads CIFAR-10 binary batches, in order, into one split, checking each
 * file's SHA-256, length and labels.
 *
 * The sizes are taken first so the split is allocated once; each file is
 * then read, checked and copied in, so memory peaks at the split plus one file.
 *
 * @param paths The batch files, e.g. `data_batch_1.bin` to `data_batch_5.bin`.
 * @param options Class names, accepted sums by file name, `allowModified`.
 * @returns The split and a checksum record per file.
 * @throws {Error} naming the file and the problem; never a partial split.
 */
export async function readCifarBatches(
  paths: readonly string[],
  options: ReadCifarOptions = {},
): Promise<LoadedSplit> {
  if (paths.length === 0) {
    throw new Error("readCifarBatches: expected at least one batch file");
  }
  const classNames = options.classNames ?? CIFAR10_CLASS_NAMES;
  const sizes: number[] = [];
  for (const path of paths) {
    let size: number;
    try {
      size = (await Deno.stat(path)).size;
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound ? "no such file" : messageOf(error);
      throw new Error(`cannot read data file ${path}: ${why}`, {
        cause: error,
      });
    }
    sizes.push(checkLength(size, path));
  }
  const count = sizes.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(count * (CIFAR_RECORD_BYTES - 1));
  const labels = new Uint8Array(count);
  const files: DatasetFileRecord[] = [];
  let offset = 0;
  for (let f = 0; f < paths.length; f++) {
    const { bytes, record } = await readChecked(paths[f], options);
    if (bytes.length !== sizes[f] * CIFAR_RECORD_BYTES) {
      throw new Error(
        `CIFAR batch ${paths[f]}: changed while being read ` +
          `(${sizes[f] * CIFAR_RECORD_BYTES} bytes, then ${bytes.length})`,
      );
    }
    offset += decodeInto(bytes, paths[f], {
      images,
      labels,
      offset,
      classes: classNames.length,
    });
    files.push(record);
  }
  const set = cifarSet(images, labels, classNames);
  return { set, files };
}

/** An ImageSet of CIFAR's shape (3x32x32) over decoded bytes and labels. */
function cifarSet(images: Uint8Array, labels: Uint8Array, classNames: readonly string[]): ImageSet {
  return {
    images,
    labels,
    count: labels.length,
    channels: CIFAR_CHANNELS,
    height: CIFAR_SIDE,
    width: CIFAR_SIDE,
    classes: classNames.length,
    classNames: [...classNames],
  };
}
