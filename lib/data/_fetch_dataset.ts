/**
 * Private helpers of `loadDataset`: downloading a dataset into its cache,
 * file by file or as one archive to extract.
 *
 * @module
 */

import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { formatSumsFile, sha256Hex, SUMS_FILE } from "./checksum.ts";
import type { DatasetSpec } from "./registry.ts";
import { downloadVerified, joinUrl, writeAtomically } from "./_download.ts";
import { expectedSums, fileNames, isFile, type SumOptions } from "./_locate.ts";
import { tarEntries } from "./_tar.ts";
import { messageOf, plainBytes } from "./_util.ts";

/** The download settings `loadDataset` passes on. */
export interface FetchOptions extends SumOptions {
  /** Download addresses (a file's name is appended). Default: the registry's. */
  readonly mirrors?: readonly string[];
  /** Give up on one address after this many milliseconds. */
  readonly downloadTimeoutMs?: number;
  /** Told of progress. */
  readonly log?: (line: string) => void;
}

/** Downloads a single-archive dataset into the cache and extracts its files there. */
export async function downloadArchive(
  spec: DatasetSpec,
  cache: string,
  options: FetchOptions,
  tried: string[],
): Promise<boolean> {
  const archive = spec.archive!;
  const archivePath = join(cache, archive.name);
  const mirrors = options.mirrors ?? spec.mirrors;
  const result = await downloadVerified(
    mirrors.map((m) => joinUrl(m, archive.name)),
    archivePath,
    {
      expected: [
        options.checksums?.[archive.name]?.toLowerCase() ?? archive.sha256,
      ],
      timeoutMs: options.downloadTimeoutMs,
      log: options.log,
    },
  );
  tried.push(...result.attempts);
  if (!result.ok) return false;
  try {
    options.log?.(`extracting ${archivePath}`);
    const entries = tarEntries(
      plainBytes(gunzipSync(await Deno.readFile(archivePath))),
      archivePath,
    );
    const sums = new Map<string, string>();
    for (const name of fileNames(spec)) {
      const entry = entries.find((e) => e.name === `${archive.folder}/${name}`) ??
        entries.find((e) => e.name.endsWith(`/${name}`) || e.name === name);
      if (!entry) {
        throw new Error(`${archivePath} holds no ${archive.folder}/${name}`);
      }
      await writeAtomically(join(cache, name), entry.data);
      sums.set(name, sha256Hex(entry.data));
    }
    // The archive was verified; record what it held so later loads from the
    // cache are checked against it.
    await writeAtomically(
      join(cache, SUMS_FILE),
      new TextEncoder().encode(formatSumsFile(sums)),
    );
    await Deno.remove(archivePath);
    tried.push(
      `extract ${archivePath}: ${sums.size} files, sums recorded in ${SUMS_FILE}`,
    );
    return true;
  } catch (error) {
    tried.push(`extract ${archivePath}: ${messageOf(error)}`);
    return false;
  }
}

/** Downloads every file the cache lacks (or holds with a wrong sum). */
export async function downloadFiles(
  spec: DatasetSpec,
  cache: string,
  options: FetchOptions,
  tried: string[],
): Promise<boolean> {
  const expected = await expectedSums(spec, cache, options);
  const mirrors = options.mirrors ?? spec.mirrors;
  for (const name of fileNames(spec)) {
    const accepted = expected[name] ?? [];
    const dest = join(cache, name);
    if (
      await isFile(dest) &&
      accepted.includes(sha256Hex(await Deno.readFile(dest)))
    ) continue;
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
