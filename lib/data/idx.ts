/**
 * The IDX format of MNIST and Fashion-MNIST, gzip-compressed or raw.
 *
 * An IDX file is a 4-byte magic number (two zero bytes, a type byte, 0x08
 * for unsigned bytes, and the number of dimensions), one big-endian 32-bit
 * size per dimension, then the data, row-major. Images are magic 2051
 * (3 dimensions: count, rows, columns), labels magic 2049 (1 dimension).
 * Described at http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS").
 *
 * Every check fails loudly with the file's path: a wrong magic number, a
 * size that disagrees with the file's length (truncated or padded), a `.gz`
 * that is not gzip, a truncated gzip stream. There is no partial result.
 *
 * @module
 */

import { gunzipSync } from "node:zlib";
import { type ChecksumOptions, type DatasetFileRecord, readChecked } from "./checksum.ts";
import { DIGIT_CLASS_NAMES, type ImageSet } from "./image_set.ts";
import { firstLabelAtLeast, messageOf, plainBytes } from "./_util.ts";

/** The magic number of an IDX file of unsigned-byte images (3 dimensions). */
const IDX_IMAGES_MAGIC = 2051;
/** The magic number of an IDX file of unsigned-byte labels (1 dimension). */
const IDX_LABELS_MAGIC = 2049;

/** The contents of an IDX images file. */
export interface IdxImages {
  /** Always `"images"`. */
  readonly kind: "images";
  /** Number of images. */
  readonly count: number;
  /** Rows per image. */
  readonly height: number;
  /** Columns per image. */
  readonly width: number;
  /** `count * height * width` bytes, a view into the decompressed file. */
  readonly data: Uint8Array;
}

/** The contents of an IDX labels file. */
export interface IdxLabels {
  /** Always `"labels"`. */
  readonly kind: "labels";
  /** Number of labels. */
  readonly count: number;
  /** `count` bytes, a view into the decompressed file. */
  readonly data: Uint8Array;
}

/** One split read from a pair of files, with each file's checksum record. */
export interface LoadedSplit {
  /** The images and labels. */
  readonly set: ImageSet;
  /** One record per file read, in reading order. */
  readonly files: readonly DatasetFileRecord[];
}

/** Options of {@linkcode readIdxPair}. */
export interface ReadIdxPairOptions extends ChecksumOptions {
  /** Class names, indexed by label; their number bounds the labels. Default the ten digits. */
  readonly classNames?: readonly string[];
}

function hexBytes(bytes: Uint8Array, n: number): string {
  return [...bytes.subarray(0, n)].map((b) => b.toString(16).padStart(2, "0"))
    .join(" ");
}

/**
 * Room for all of a gzip stream's output in one chunk, from the size its
 * trailer records (capped, as a corrupt trailer may say anything): gunzip
 * otherwise collects 16 KB chunks and joins them, which for the 47 MB of
 * the training images takes about twice as long.
 */
function outputChunk(gzip: Uint8Array): number {
  const recorded = gzip.length >= 4 ? new DataView(gzip.buffer, gzip.byteOffset).getUint32(gzip.length - 4, true) : 0;
  return Math.min(Math.max(recorded, 16 * 1024), 64 * 1024 * 1024);
}

/**
 * Whether a file's bytes are gzip (they start with 1f 8b).
 *
 * @param bytes The file's bytes.
 * @param path The file's path, for messages; a name ending in `.gz` must hold gzip.
 * @throws {Error} naming the file when it is named `.gz` but is not gzip.
 */
export function isIdxGzip(bytes: Uint8Array, path: string): boolean {
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzip && path.endsWith(".gz")) {
    const start = bytes.length === 0 ? "is empty" : `starts with ${hexBytes(bytes, 4)}`;
    throw new Error(
      `IDX file ${path}: named .gz but is not gzip (it ${start}; gzip starts with 1f 8b)`,
    );
  }
  return gzip;
}

/**
 * The error of a gzip stream that would not decompress.
 *
 * @param path The file's path.
 * @param error What the decompressor threw.
 */
export function idxGunzipError(path: string, error: unknown): Error {
  return new Error(
    `IDX file ${path}: cannot decompress, the gzip stream is truncated or corrupt (${messageOf(error)})`,
    { cause: error },
  );
}

/**
 * The IDX bytes of a file: gunzipped when they start with the gzip magic
 * bytes 1f 8b, as they are otherwise.
 *
 * @throws {Error} naming the file when a `.gz` is not gzip or the stream is truncated or corrupt.
 */
function idxBytes(bytes: Uint8Array, path: string): Uint8Array {
  if (!isIdxGzip(bytes, path)) return bytes;
  try {
    return plainBytes(gunzipSync(bytes, { chunkSize: outputChunk(bytes) }));
  } catch (error) {
    throw idxGunzipError(path, error);
  }
}

/**
 * Decodes an IDX images or labels file, gzip-compressed or raw.
 *
 * @param bytes The file's bytes, as stored.
 * @param path The file's path, named in every message.
 * @param options `inflated`: the file already decompressed (the browser's `DecompressionStream`).
 * @returns Images `[count, height, width]` or labels `[count]`, viewing the decompressed bytes.
 * @throws {Error} when the file is not gzip though named `.gz`, the stream is truncated, the magic
 *   number is not 2051 or 2049 (or the type byte not 0x08), a size is zero, or the length
 *   disagrees with the header.
 *
 * @example
 * ```ts
 * import { decodeIdx } from "./idx.ts";
 * const file = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
 * decodeIdx(file, "labels.idx").data; // Uint8Array [7, 3]
 * ```
 */
export function decodeIdx(
  bytes: Uint8Array,
  path: string,
  options: { inflated?: Uint8Array } = {},
): IdxImages | IdxLabels {
  const raw = options.inflated ?? idxBytes(bytes, path);
  if (raw.length < 4) {
    throw new Error(`IDX file ${path}: ${raw.length} bytes is too short for the 4-byte magic number`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IDX_IMAGES_MAGIC && magic !== IDX_LABELS_MAGIC) {
    const typeNote = raw[0] === 0 && raw[1] === 0 && raw[2] !== 0x08
      ? ` (type byte 0x${raw[2].toString(16).padStart(2, "0")}, expected 0x08 for unsigned bytes)`
      : "";
    throw new Error(
      `IDX file ${path}: wrong magic number ${magic} (0x${
        magic.toString(16).padStart(8, "0")
      })${typeNote}; expected ${IDX_IMAGES_MAGIC} for images or ${IDX_LABELS_MAGIC} for labels`,
    );
  }
  const rank = raw[3];
  const header = 4 + 4 * rank;
  if (raw.length < header) {
    throw new Error(
      `IDX file ${path}: truncated header, ${raw.length} bytes where the ` +
        `${rank}-dimension header needs ${header}`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d));
  if (dims.some((size) => size === 0)) {
    throw new Error(`IDX file ${path}: header sizes [${dims.join(", ")}] include a zero`);
  }
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== header + dataBytes) {
    const what = raw.length < header + dataBytes
      ? `${header + dataBytes - raw.length} bytes missing (truncated)`
      : `${raw.length - header - dataBytes} bytes too many`;
    throw new Error(
      `IDX file ${path}: header says [${dims.join(", ")}], which needs ` +
        `${header + dataBytes} bytes with the ${header}-byte header, but the ` +
        `${bytes === raw ? "file" : "decompressed file"} holds ${raw.length}: ${what}`,
    );
  }
  const data = raw.subarray(header);
  if (magic === IDX_IMAGES_MAGIC) {
    return { kind: "images", count: dims[0], height: dims[1], width: dims[2], data };
  }
  return { kind: "labels", count: dims[0], data };
}

/**
 * Pairs decoded images and labels into one split, checking that the counts
 * agree and every label is below the number of classes.
 *
 * @param images Decoded images; `imagesPath` names their file in messages.
 * @param labels Decoded labels.
 * @param options The files' paths (for messages) and the class names.
 * @returns The split, viewing the decoded bytes (no copy).
 * @throws {Error} naming the files when the counts differ or a label is out of range.
 */
function pairIdx(
  images: IdxImages,
  labels: IdxLabels,
  options: { imagesPath: string; labelsPath: string; classNames?: readonly string[] },
): ImageSet {
  const classNames = options.classNames ?? DIGIT_CLASS_NAMES;
  if (images.count !== labels.count) {
    throw new Error(
      `readIdxPair: ${options.imagesPath} holds ${images.count} images but ` +
        `${options.labelsPath} holds ${labels.count} labels`,
    );
  }
  const bad = firstLabelAtLeast(labels.data, classNames.length);
  if (bad >= 0) {
    throw new Error(
      `readIdxPair: ${options.labelsPath}: label ${labels.data[bad]} at index ${bad} ` +
        `is out of range for ${classNames.length} classes`,
    );
  }
  return {
    images: images.data,
    labels: labels.data,
    count: images.count,
    channels: 1,
    height: images.height,
    width: images.width,
    classes: classNames.length,
    classNames: [...classNames],
  };
}

/**
 * Pairs a decoded images file and labels file into one split, checking that each holds what it should,
 * that the counts agree and that every label is below the number of classes.
 *
 * @param images The decoded images file.
 * @param labels The decoded labels file.
 * @param options The files' paths (for messages) and the class names.
 * @throws {Error} naming the file and the problem.
 */
export function idxSplit(
  images: IdxImages | IdxLabels,
  labels: IdxImages | IdxLabels,
  options: { imagesPath: string; labelsPath: string; classNames?: readonly string[] },
): ImageSet {
  const { imagesPath, labelsPath } = options;
  if (images.kind !== "images") {
    throw new Error(
      `readIdxPair: ${imagesPath} holds labels (magic ${IDX_LABELS_MAGIC}), expected images ` +
        `(magic ${IDX_IMAGES_MAGIC})`,
    );
  }
  if (labels.kind !== "labels") {
    throw new Error(
      `readIdxPair: ${labelsPath} holds images (magic ${IDX_IMAGES_MAGIC}), expected labels ` +
        `(magic ${IDX_LABELS_MAGIC})`,
    );
  }
  return pairIdx(images, labels, options);
}

/**
 * Reads an IDX images file and its labels file into one split, checking
 * each file's SHA-256, format and length, that the counts agree and that
 * every label is below the number of classes.
 *
 * @param imagesPath The images file (magic 2051), gzip or raw.
 * @param labelsPath The labels file (magic 2049), gzip or raw.
 * @param options Class names, accepted sums by file name, `allowModified`.
 * @returns The split (bytes only) and a checksum record per file.
 * @throws {Error} naming the file and the problem; never a partial split.
 *
 * @example
 * ```ts ignore
 * import { readIdxPair } from "./idx.ts";
 * const { set } = await readIdxPair(
 *   "datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
 *   "datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
 * );
 * set.count; // 10000
 * ```
 */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  options: ReadIdxPairOptions = {},
): Promise<LoadedSplit> {
  const imagesFile = await readChecked(imagesPath, options);
  const images = decodeIdx(imagesFile.bytes, imagesPath);
  const labelsFile = await readChecked(labelsPath, options);
  const labels = decodeIdx(labelsFile.bytes, labelsPath);
  const set = idxSplit(images, labels, { imagesPath, labelsPath, classNames: options.classNames });
  return { set, files: [imagesFile.record, labelsFile.record] };
}
