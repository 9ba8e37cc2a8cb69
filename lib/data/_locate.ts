/**
 * Private helpers of `loadDataset`: which files a dataset has, whether a
 * folder holds them all, and which SHA-256 sums to accept for each.
 *
 * @module
 */

import { join } from "node:path";
import { pathKind } from "../_fs.ts";
import type { DatasetSpec } from "./registry.ts";

/** Where expected sums may be supplied by the caller. */
export interface SumOptions {
  /** Expected SHA-256 by file name, replacing the registry's. */
  readonly checksums?: Readonly<Record<string, string>>;
}

export function fileNames(spec: DatasetSpec): string[] {
  return [spec.train.images, spec.train.labels, spec.test.images, spec.test.labels];
}

/** `dir` when it holds every file of the dataset, or what is missing or not a file. */
export async function locate(dir: string, spec: DatasetSpec): Promise<{ dir: string } | { problem: string }> {
  if ((await pathKind(dir)) !== "directory") return { problem: "folder does not exist" };
  const missing: string[] = [], problems: string[] = [];
  for (const name of fileNames(spec)) {
    const kind = await pathKind(join(dir, name));
    if (kind === "missing") missing.push(name);
    else if (kind !== "file") {
      problems.push(`${name} is ${kind === "directory" ? "a directory" : "something else"}, not a file`);
    }
  }
  if (missing.length > 0) problems.unshift(`missing ${missing.join(", ")}`);
  return problems.length === 0 ? { dir } : { problem: problems.join("; ") };
}

/** Accepted sums by file name: the caller's, else the registry's. */
export function expectedSums(spec: DatasetSpec, options: SumOptions): Record<string, string[]> {
  const expected: Record<string, string[]> = {};
  for (const file of spec.files) {
    const given = options.checksums?.[file.name];
    expected[file.name] = given !== undefined ? [given.toLowerCase()] : file.sums.map((s) => s.sha256);
  }
  return expected;
}
