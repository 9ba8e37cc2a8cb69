/**
 * SHA-256 of every data file, on every load.
 *
 * A file whose sum is not among the accepted ones is an error naming the
 * file, the expected and the actual sum, unless the caller allows a
 * modified copy, in which case the record says so.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { baseName, messageOf, plainBytes } from "./_util.ts";

/** One data file a run read, with its checksum. */
export interface DatasetFileRecord {
  /** The file's name, e.g. `train-images-idx3-ubyte.gz`. */
  name: string;
  /** Its SHA-256, as computed when it was loaded. */
  sha256: string;
  /** The SHA-256 the suite expects for it. */
  expected: string;
  /** Whether the two agree. */
  verified: boolean;
}

/** How the files a reader loads are checked. */
export interface ChecksumOptions {
  /**
   * Accepted SHA-256 sums, keyed by file name (not path). A file not listed
   * is read unverified: its record has `expected: ""` and `verified: false`.
   */
  readonly expectedSha256?: Readonly<Record<string, readonly string[]>>;
  /** Accept a file whose sum is not among the expected ones, and mark the record modified. Default false. */
  readonly allowModified?: boolean;
}

/** A file's bytes and what its checksum showed. */
export interface CheckedFile {
  /** The file's bytes, as stored. */
  readonly bytes: Uint8Array;
  /** Name, actual and expected sum, and whether they agree. */
  readonly record: DatasetFileRecord;
}

/**
 * The SHA-256 of some bytes, as lower-case hex.
 *
 * @param bytes The bytes to hash.
 * @returns 64 hex digits.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./checksum.ts";
 * sha256Hex(new TextEncoder().encode("abc")).slice(0, 8); // "ba7816bf"
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Checks bytes against the accepted sums for a file.
 *
 * @param bytes The file's bytes.
 * @param path The file's path; the message and the record name it.
 * @param options The accepted sums and whether a modified copy is allowed.
 * @returns The record; `verified` is false for an unknown or (allowed) mismatching sum.
 * @throws {Error} when the sum matches none of the expected ones and `allowModified` is not set.
 */
export function checkBytes(
  bytes: Uint8Array,
  path: string,
  options: ChecksumOptions = {},
): DatasetFileRecord {
  return checkSha256(sha256Hex(bytes), path, options);
}

/**
 * Checks a file's SHA-256, computed elsewhere (the browser's `crypto.subtle`), against the accepted sums.
 *
 * @param sha256 The file's SHA-256, lower-case hex.
 * @param path The file's path; the message and the record name it.
 * @param options The accepted sums and whether a modified copy is allowed.
 * @returns The record, as {@linkcode checkBytes} returns it.
 * @throws {Error} as {@linkcode checkBytes} does.
 */
export function checkSha256(
  sha256: string,
  path: string,
  options: ChecksumOptions = {},
): DatasetFileRecord {
  const name = baseName(path);
  const expected = options.expectedSha256?.[name] ?? [];
  if (expected.length === 0) {
    return { name, sha256, expected: "", verified: false };
  }
  if (expected.includes(sha256)) {
    return { name, sha256, expected: sha256, verified: true };
  }
  if (!options.allowModified) {
    throw new Error(
      `checksum mismatch for ${path}: expected SHA-256 ${expected.join(" or ")}, ` +
        `got ${sha256}. Replace the file with a good copy, or accept the modified one ` +
        `(--allow-modified-data on the command line, allowModified in code; the manifest then says modified).`,
    );
  }
  return { name, sha256, expected: expected[0], verified: false };
}

/**
 * Reads a file whole and checks its SHA-256.
 *
 * @param path The file to read.
 * @param options The accepted sums (by file name) and whether a modified copy is allowed.
 * @returns The bytes and the checksum record.
 * @throws {Error} naming the file when it cannot be read or its sum mismatches.
 */
export async function readChecked(path: string, options: ChecksumOptions = {}): Promise<CheckedFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : messageOf(error);
    throw new Error(`cannot read data file ${path}: ${why}`, { cause: error });
  }
  return { bytes, record: checkBytes(bytes, path, options) };
}

/**
 * A file's bytes, read into one array of its size: `Deno.readFile` grows its
 * buffer as it reads and copies it out, which for the 26 MB training images
 * costs about twice the time. A file that grew after `stat` is read again whole.
 */
async function readWhole(path: string): Promise<Uint8Array> {
  using file = await Deno.open(path);
  const bytes = new Uint8Array((await file.stat()).size);
  let length = 0;
  while (length < bytes.length) {
    const n = await file.read(bytes.subarray(length));
    if (n === null || n === 0) return bytes.subarray(0, length);
    length += n;
  }
  return await file.read(new Uint8Array(1)) ? plainBytes(await Deno.readFile(path)) : bytes;
}
