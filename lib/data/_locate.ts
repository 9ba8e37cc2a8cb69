/**
 * Private helpers of `loadDataset`: which files a dataset has, whether a
 * folder holds them all, and which SHA-256 sums to accept for each.
 *
 * @module
 */

import { join } from "node:path";
import { parseSumsFile, SUMS_FILE } from "./checksum.ts";
import type { DatasetSpec, SplitFiles } from "./registry.ts";

/** Where expected sums may be supplied by the caller. */
export interface SumOptions {
  /** Expected SHA-256 by file name, replacing the registry's. */
  readonly checksums?: Readonly<Record<string, string>>;
}

export function splitPaths(split: SplitFiles): string[] {
  return split.format === "idx" ? [split.images, split.labels] : [...split.batches];
}

export function fileNames(spec: DatasetSpec): string[] {
  return [...splitPaths(spec.train), ...splitPaths(spec.test)];
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The folder under `dir` holding every file (`dir` itself, or for an
 * archive dataset the archive's folder inside it), or what is missing.
 */
export async function locate(
  dir: string,
  spec: DatasetSpec,
): Promise<{ dir: string } | { problem: string }> {
  if (!(await isDirectory(dir))) return { problem: "folder does not exist" };
  const candidates = spec.archive ? [dir, join(dir, spec.archive.folder)] : [dir];
  let firstMissing: string[] = [];
  for (const candidate of candidates) {
    const missing: string[] = [];
    for (const name of fileNames(spec)) {
      if (!(await isFile(join(candidate, name)))) missing.push(name);
    }
    if (missing.length === 0) return { dir: candidate };
    if (candidate === dir) firstMissing = missing;
  }
  const where = spec.archive ? ` (looked in it and in ${spec.archive.folder}/)` : "";
  return { problem: `missing ${firstMissing.join(", ")}${where}` };
}

/** Accepted sums by file name: the caller's, else the registry's, else the folder's SHA256SUMS. */
export async function expectedSums(
  spec: DatasetSpec,
  dir: string,
  options: SumOptions,
): Promise<Record<string, string[]>> {
  let recorded: Map<string, string> | null = null;
  const expected: Record<string, string[]> = {};
  for (const file of spec.files) {
    const given = options.checksums?.[file.name];
    if (given !== undefined) {
      expected[file.name] = [given.toLowerCase()];
    } else if (file.sums.length > 0) {
      expected[file.name] = file.sums.map((s) => s.sha256);
    } else {
      if (recorded === null) {
        const sumsPath = join(dir, SUMS_FILE);
        recorded = (await isFile(sumsPath)) ? parseSumsFile(await Deno.readTextFile(sumsPath), sumsPath) : new Map();
      }
      const sum = recorded.get(file.name);
      if (sum !== undefined) expected[file.name] = [sum];
    }
  }
  return expected;
}
