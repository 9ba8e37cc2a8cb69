/**
 * Tiny generated data files for the tests: IDX (gzip or raw), with
 * asymmetric contents so a swapped axis or an off-by-one shows.
 *
 * @module
 */

import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sha256Hex } from "../data/idx.ts";
import type { ImageSet } from "../data/image_set.ts";

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
