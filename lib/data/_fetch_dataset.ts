/**
 * Private helper of `loadDataset`: downloading a dataset into its cache,
 * file by file.
 *
 * @module
 */

import { join } from "node:path";
import { sha256Hex } from "./checksum.ts";
import type { DatasetSpec } from "./registry.ts";
import { downloadVerified, joinUrl } from "./_download.ts";
import { isFile } from "../_fs.ts";
import { expectedSums, fileNames, type SumOptions } from "./_locate.ts";

/** The download settings `loadDataset` passes on. */
export interface FetchOptions extends SumOptions {
  /** Download addresses (a file's name is appended). Default: the registry's. */
  readonly mirrors?: readonly string[];
  /** Give up on one address after this many milliseconds. */
  readonly downloadTimeoutMs?: number;
  /** Told of progress. */
  readonly log?: (line: string) => void;
}

/** Downloads every file the cache lacks (or holds with a wrong sum). */
export async function downloadFiles(
  spec: DatasetSpec,
  cache: string,
  options: FetchOptions,
  tried: string[],
): Promise<boolean> {
  const expected = expectedSums(spec, options);
  const mirrors = options.mirrors ?? spec.mirrors;
  for (const name of fileNames(spec)) {
    const accepted = expected[name] ?? [];
    const dest = join(cache, name);
    if (await isFile(dest) && accepted.includes(sha256Hex(await Deno.readFile(dest)))) continue;
    const result = await downloadVerified(
      mirrors.map((m) => joinUrl(m, name)),
      dest,
      {
        expected: accepted,
        timeoutMs: options.downloadTimeoutMs,
        log: options.log,
      },
    );
    tried.push(...result.attempts);
    if (!result.ok) return false;
  }
  return true;
}
