/**
 * Tiny generated data files for the tests: IDX (gzip or raw), CIFAR
 * binary batches and tar archives, with asymmetric contents so a swapped
 * axis or an off-by-one shows.
 *
 * @module
 */

import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sha256Hex } from "./checksum.ts";
import type { ImageSet } from "./image_set.ts";

/** The bytes of an IDX images file; pixel `(n, r, c)` is `(n * 31 + r * 7 + c * 3) % 256`. */
export function idxImages(
  count: number,
  height: number,
  width: number,
): Uint8Array {
  const bytes = new Uint8Array(16 + count * height * width);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 2051);
  view.setUint32(4, count);
  view.setUint32(8, height);
  view.setUint32(12, width);
  for (let n = 0; n < count; n++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        bytes[16 + (n * height + r) * width + c] = (n * 31 + r * 7 + c * 3) %
          256;
      }
    }
  }
  return bytes;
}

/** The bytes of an IDX labels file. */
export function idxLabels(labels: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 2049);
  view.setUint32(4, labels.length);
  bytes.set(labels, 8);
  return bytes;
}

/** Gzip-compressed bytes, as a plain `Uint8Array`. */
export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** CIFAR binary records; pixel `k` of record `n` is `(n * 13 + k) % 256`. */
export function cifarBatch(labels: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(labels.length * 3073);
  labels.forEach((label, n) => {
    bytes[n * 3073] = label;
    for (let k = 0; k < 3072; k++) bytes[n * 3073 + 1 + k] = (n * 13 + k) % 256;
  });
  return bytes;
}

/** A ustar archive of the given files (GNU tar's layout, enough for `_tar.ts`). */
export function tarArchive(
  files: readonly { name: string; data: Uint8Array }[],
): Uint8Array {
  const blocks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const file of files) {
    const header = new Uint8Array(512);
    header.set(encoder.encode(file.name), 0);
    header.set(encoder.encode("0000644\0"), 100);
    header.set(encoder.encode("0000000\0"), 108);
    header.set(encoder.encode("0000000\0"), 116);
    header.set(
      encoder.encode(file.data.length.toString(8).padStart(11, "0") + "\0"),
      124,
    );
    header.set(encoder.encode("00000000000\0"), 136);
    header[156] = "0".charCodeAt(0);
    header.set(encoder.encode("ustar\0"), 257);
    header.set(encoder.encode("00"), 263);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.set(encoder.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    blocks.push(header);
    const padded = new Uint8Array(Math.ceil(file.data.length / 512) * 512);
    padded.set(file.data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

/** The four files of a tiny MNIST-shaped dataset: 6 training and 4 test images of 28x28. */
export const TINY_TRAIN_LABELS = [5, 0, 4, 1, 9, 2];
/** Test labels of the tiny dataset. */
export const TINY_TEST_LABELS = [7, 2, 1, 0];

/** The tiny dataset's files by standard name, gzip-compressed. */
export function tinyMnistFiles(): Map<string, Uint8Array> {
  return new Map([
    [
      "train-images-idx3-ubyte.gz",
      gzip(idxImages(TINY_TRAIN_LABELS.length, 28, 28)),
    ],
    ["train-labels-idx1-ubyte.gz", gzip(idxLabels(TINY_TRAIN_LABELS))],
    [
      "t10k-images-idx3-ubyte.gz",
      gzip(idxImages(TINY_TEST_LABELS.length, 28, 28)),
    ],
    ["t10k-labels-idx1-ubyte.gz", gzip(idxLabels(TINY_TEST_LABELS))],
  ]);
}

/** Writes files into `dir` (created if needed) and returns their SHA-256 by name. */
export async function writeFiles(
  dir: string,
  files: ReadonlyMap<string, Uint8Array>,
): Promise<Record<string, string>> {
  await Deno.mkdir(dir, { recursive: true });
  const sums: Record<string, string> = {};
  for (const [name, bytes] of files) {
    await Deno.writeFile(join(dir, name), bytes);
    sums[name] = sha256Hex(bytes);
  }
  return sums;
}

/** The six CIFAR-10 batch files, tiny: 2 records per training batch, 3 in the test batch. */
export function tinyCifarFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (let b = 1; b <= 5; b++) {
    files.set(`data_batch_${b}.bin`, cifarBatch([b, (b * 3) % 10]));
  }
  files.set("test_batch.bin", cifarBatch([3, 8, 0]));
  return files;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards whatever happens. */
export async function withTempDir(
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lib_data_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A regex source matching `text` literally, to put a path into an expected message. */
export function lit(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Three 1x2x2 images with labels 2, 0, 1. */
export function tinySet(): ImageSet {
  return {
    images: new Uint8Array([0, 51, 102, 255, 10, 20, 30, 40, 255, 0, 0, 255]),
    labels: new Uint8Array([2, 0, 1]),
    count: 3,
    channels: 1,
    height: 2,
    width: 2,
    classes: 3,
    classNames: ["a", "b", "c"],
  };
}
