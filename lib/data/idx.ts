/**
 * Reading data files, the one place that says what is wrong with one: SHA-256 checked on every load, then decoded
 * as IDX (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"), gzip-compressed or raw. No partial results.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { gunzipSync } from "node:zlib";
import type { ImageSet } from "./image_set.ts";
import { DIGIT_CLASS_NAMES } from "./registry.ts";

/** One data file a run read, with its checksum; goes into the run manifest. */
export interface DatasetFileRecord {
  /** The file's name, e.g. `train-images-idx3-ubyte.gz`. */
  name: string;
  /** Its SHA-256, as computed when it was loaded. */
  sha256: string;
  /** The SHA-256 the suite expects for it; `""` when none is known. */
  expected: string;
  /** Whether the two agree. */
  verified: boolean;
}

/** How the files a reader loads are checked. */
export interface ChecksumOptions {
  /** Accepted SHA-256 sums by file name (not path); a file not listed is read unverified. */
  readonly expectedSha256?: Readonly<Record<string, readonly string[]>>;
  /** Accept a file whose sum is not among the expected ones; its record then says `verified: false`. */
  readonly allowModified?: boolean;
}

/** The SHA-256 of some bytes, as lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Checks a file's SHA-256 (also from the browser's `crypto.subtle`): a mismatch throws, unless `allowModified`. */
export function checkSha256(sha256: string, path: string, options: ChecksumOptions = {}): DatasetFileRecord {
  const name = basename(path);
  const expected = options.expectedSha256?.[name] ?? [];
  if (expected.length === 0) return { name, sha256, expected: "", verified: false };
  if (expected.includes(sha256)) return { name, sha256, expected: sha256, verified: true };
  if (!options.allowModified) {
    throw new Error(
      `checksum mismatch for ${path}: expected SHA-256 ${expected.join(" or ")}, ` +
        `got ${sha256}. Replace the file with a good copy, or accept the modified one ` +
        `(--allow-modified-data on the command line, allowModified in code; the manifest then says modified).`,
    );
  }
  return { name, sha256, expected: expected[0], verified: false };
}

/** Reads a file whole and checks its SHA-256; throws naming the file when it cannot be read or mismatches. */
export async function readChecked(
  path: string,
  options: ChecksumOptions = {},
): Promise<{ bytes: Uint8Array; record: DatasetFileRecord }> {
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new Error(`cannot read data file ${path}: ${why}`, { cause: error });
  }
  return { bytes, record: checkSha256(sha256Hex(bytes), path, options) };
}

/** A file's bytes in one array of its size: `Deno.readFile` grows and copies, several times slower. */
async function readWhole(path: string): Promise<Uint8Array> {
  using file = await Deno.open(path);
  const bytes = new Uint8Array((await file.stat()).size);
  let length = 0;
  while (length < bytes.length) {
    const n = await file.read(bytes.subarray(length));
    if (n === null || n === 0) return bytes.subarray(0, length);
    length += n;
  }
  return await file.read(new Uint8Array(1)) ? await Deno.readFile(path) : bytes;
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

/** A decoded IDX images file. */
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

/** A decoded IDX labels file. */
export interface IdxLabels {
  /** Always `"labels"`. */
  readonly kind: "labels";
  /** Number of labels. */
  readonly count: number;
  /** `count` bytes, a view into the decompressed file. */
  readonly data: Uint8Array;
}

/** The error about a bad IDX file, naming it. */
function idxError(path: string, what: string, cause?: unknown): Error {
  return new Error(`IDX file ${path}: ${what}`, { cause });
}

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");

/** Whether a file's bytes are gzip (they start with 1f 8b); throws when it is named `.gz` but is not. */
export function isIdxGzip(bytes: Uint8Array, path: string): boolean {
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzip && path.endsWith(".gz")) {
    const start = bytes.length === 0
      ? "is empty"
      : `starts with ${[...bytes.subarray(0, 4)].map((b) => hex(b, 2)).join(" ")}`;
    throw idxError(path, `named .gz but is not gzip (it ${start}; gzip starts with 1f 8b)`);
  }
  return gzip;
}

/** The error of a gzip stream that would not decompress (here, or in the browser's `DecompressionStream`). */
export function idxGunzipError(path: string, error: unknown): Error {
  const why = (error as Error).message;
  return idxError(path, `cannot decompress, the gzip stream is truncated or corrupt (${why})`, error);
}

/** The IDX bytes of a file: gunzipped when it is gzip, else as they are. */
function idxBytes(bytes: Uint8Array, path: string): Uint8Array {
  if (!isIdxGzip(bytes, path)) return bytes;
  // Room for the whole output in one chunk, from the size the trailer records (capped, as a corrupt trailer may
  // say anything): gunzip otherwise joins 16 KB chunks, which for the 47 MB training images takes twice as long.
  const recorded = bytes.length >= 4
    ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true)
    : 0;
  const chunkSize = Math.min(Math.max(recorded, 16 * 1024), 64 * 1024 * 1024);
  try {
    const out = gunzipSync(bytes, { chunkSize });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw idxGunzipError(path, error);
  }
}

/**
 * Decodes an IDX file (`inflated`: already decompressed, by the browser): a magic number (2051 images, 2049
 * labels), a big-endian 32-bit size per dimension, the bytes. Throws on any mismatch, naming the file.
 */
export function decodeIdx(
  bytes: Uint8Array,
  path: string,
  options: { inflated?: Uint8Array } = {},
): IdxImages | IdxLabels {
  const raw = options.inflated ?? idxBytes(bytes, path);
  if (raw.length < 4) throw idxError(path, `${raw.length} bytes is too short for the 4-byte magic number`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IMAGES_MAGIC && magic !== LABELS_MAGIC) {
    const type = raw[0] === 0 && raw[1] === 0 && raw[2] !== 0x08
      ? ` (type byte 0x${hex(raw[2], 2)}, expected 0x08 for unsigned bytes)`
      : "";
    const expected = `expected ${IMAGES_MAGIC} for images or ${LABELS_MAGIC} for labels`;
    throw idxError(path, `wrong magic number ${magic} (0x${hex(magic, 8)})${type}; ${expected}`);
  }
  const rank = raw[3];
  const header = 4 + 4 * rank;
  if (raw.length < header) {
    throw idxError(path, `truncated header, ${raw.length} bytes where the ${rank}-dimension header needs ${header}`);
  }
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d));
  if (dims.includes(0)) throw idxError(path, `header sizes [${dims.join(", ")}] include a zero`);
  const needed = header + dims.reduce((a, b) => a * b, 1);
  if (raw.length !== needed) {
    const what = raw.length < needed
      ? `${needed - raw.length} bytes missing (truncated)`
      : `${raw.length - needed} bytes too many`;
    throw idxError(
      path,
      `header says [${dims.join(", ")}], which needs ${needed} bytes with the ${header}-byte header, ` +
        `but the ${bytes === raw ? "file" : "decompressed file"} holds ${raw.length}: ${what}`,
    );
  }
  const data = raw.subarray(header);
  return magic === IMAGES_MAGIC
    ? { kind: "images", count: dims[0], height: dims[1], width: dims[2], data }
    : { kind: "labels", count: dims[0], data };
}

/** Pairs decoded images and labels into a split (views), checking their kinds, counts and label range. */
export function idxSplit(
  images: IdxImages | IdxLabels,
  labels: IdxImages | IdxLabels,
  options: { imagesPath: string; labelsPath: string; classNames?: readonly string[] },
): ImageSet {
  const { imagesPath, labelsPath } = options;
  const classNames = [...(options.classNames ?? DIGIT_CLASS_NAMES)];
  const fail = (what: string) => new Error(`readIdxPair: ${what}`);
  if (images.kind !== "images") {
    throw fail(`${imagesPath} holds labels (magic ${LABELS_MAGIC}), expected images (magic ${IMAGES_MAGIC})`);
  }
  if (labels.kind !== "labels") {
    throw fail(`${labelsPath} holds images (magic ${IMAGES_MAGIC}), expected labels (magic ${LABELS_MAGIC})`);
  }
  if (images.count !== labels.count) {
    throw fail(`${imagesPath} holds ${images.count} images but ${labelsPath} holds ${labels.count} labels`);
  }
  const bad = labels.data.findIndex((label) => label >= classNames.length);
  if (bad >= 0) {
    throw fail(
      `${labelsPath}: label ${labels.data[bad]} at index ${bad} is out of range for ${classNames.length} classes`,
    );
  }
  const { count, height, width } = images, classes = classNames.length;
  return { images: images.data, labels: labels.data, count, channels: 1, height, width, classes, classNames };
}

/** Reads an IDX images file and its labels file into one split, checked (see `readChecked`, `idxSplit`). */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  options: ChecksumOptions & { readonly classNames?: readonly string[] } = {},
): Promise<{ set: ImageSet; files: DatasetFileRecord[] }> {
  const imagesFile = await readChecked(imagesPath, options);
  const images = decodeIdx(imagesFile.bytes, imagesPath);
  const labelsFile = await readChecked(labelsPath, options);
  const labels = decodeIdx(labelsFile.bytes, labelsPath);
  const set = idxSplit(images, labels, { imagesPath, labelsPath, classNames: options.classNames });
  return { set, files: [imagesFile.record, labelsFile.record] };
}
