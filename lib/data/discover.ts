/**
 * Finding a dataset's files and loading them, with a record of where they
 * came from.
 *
 * {@linkcode loadDataset} tries, in this order, and stops at the first
 * place that holds every file and loads cleanly:
 *
 * 1. `options.dataDir`, an explicit folder (from `--data-dir` or the
 *    environment variable, which the command line reads). Explicit beats
 *    implicit: if it lacks a file or a file is bad, that is the error; no
 *    other place is tried.
 * 2. `datasets/<name>/` in the repository (embedded files), then
 *    `datasets/<name>/cache/`.
 * 3. Folders where system packages install the data (Debian:
 *    `/usr/share/datasets/fashion-mnist/`).
 * 4. A download into the cache, SHA-256 checked and written atomically,
 *    from the first mirror with one retry on the next.
 *
 * When all fail, one error lists every place tried and what was wrong there,
 * and how to supply the files by hand. `lib/data` reads no environment
 * variable itself.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { PROJECT_ROOT } from "../_fs.ts";
import type { DatasetFileRecord } from "./checksum.ts";
import type { ImageSet } from "./image_set.ts";
import { type LoadedSplit, readIdxPair } from "./idx.ts";
import { type DatasetName, type DatasetSpec, datasetSpec, type SplitFiles } from "./registry.ts";
import { downloadFiles } from "./_fetch_dataset.ts";
import { expectedSums, fileNames, locate } from "./_locate.ts";
import { messageOf } from "./_util.ts";

export type { DatasetName } from "./registry.ts";

/** Where a loaded dataset came from, as recorded in `DatasetRecord.source`. */
export type DatasetSource =
  | "data-dir"
  | "env"
  | "embedded"
  | "cache"
  | "system"
  | "download";

/** Where one dataset came from. */
export interface DatasetRecord {
  /** The dataset's name, e.g. `fashion-mnist`. */
  name: string;
  /** How it was found: an explicit folder, the environment, the repository, the cache, the system, a download. */
  source: string;
  /** The folder its files were read from. */
  dir: string;
  /** Each file read, with its checksum. */
  files: DatasetFileRecord[];
  /** True when a copy whose checksums differ was accepted on request. */
  modified: boolean;
}

/** Options of {@linkcode loadDataset}. */
export interface LoadOptions {
  /** A folder holding the dataset's files under their standard names; tried first, and alone. */
  readonly dataDir?: string;
  /** Where `dataDir` came from: `"flag"` (default) records source `data-dir`, `"env"` records `env`. */
  readonly dataDirSource?: "flag" | "env";
  /** The repository root holding `datasets/`. Default: two folders above this module. */
  readonly root?: string;
  /** System folders to look in. Default: the registry's (Debian's for Fashion-MNIST). */
  readonly systemDirs?: readonly string[];
  /** Whether to download into the cache when no copy is found. Default true. */
  readonly download?: boolean;
  /** Download addresses (a file's name is appended). Default: the registry's. */
  readonly mirrors?: readonly string[];
  /** Accept files whose SHA-256 is not the expected one; the record then says `modified: true`. */
  readonly allowModified?: boolean;
  /** Expected SHA-256 by file name, replacing the registry's (to load test fixtures). */
  readonly checksums?: Readonly<Record<string, string>>;
  /** Give up on one download address after this many milliseconds. Default 10 minutes. */
  readonly downloadTimeoutMs?: number;
  /** Told of progress worth a line on the console (downloads, extraction). */
  readonly log?: (line: string) => void;
}

/** A loaded dataset: both splits as bytes, where they came from, and every place tried. */
export interface LoadedDataset {
  /** The training split. */
  train: ImageSet;
  /** The test split. */
  test: ImageSet;
  /** Name, source, folder, per-file checksums; goes into the run manifest. */
  record: DatasetRecord;
  /** One line per place tried, in order, ending with the one used. */
  tried: string[];
}

function defaultRoot(): string | null {
  return import.meta.url.startsWith("file:") ? PROJECT_ROOT : null;
}

async function loadSplit(
  spec: DatasetSpec,
  split: SplitFiles,
  dir: string,
  options: { expectedSha256: Record<string, string[]>; allowModified?: boolean },
): Promise<LoadedSplit> {
  const loaded = await readIdxPair(join(dir, split.images), join(dir, split.labels), {
    ...options,
    classNames: spec.classNames,
  });
  const { set } = loaded;
  if (set.channels !== spec.channels || set.height !== spec.height || set.width !== spec.width) {
    throw new Error(
      `${spec.name} images in ${dir} are ${set.channels}x${set.height}x${set.width}, ` +
        `expected ${spec.channels}x${spec.height}x${spec.width}`,
    );
  }
  return loaded;
}

async function loadFrom(
  spec: DatasetSpec,
  dir: string,
  source: DatasetSource,
  options: LoadOptions,
): Promise<Omit<LoadedDataset, "tried">> {
  const expectedSha256 = expectedSums(spec, options);
  const check = { expectedSha256, allowModified: options.allowModified };
  const train = await loadSplit(spec, spec.train, dir, check);
  const test = await loadSplit(spec, spec.test, dir, check);
  const files = [...train.files, ...test.files];
  return {
    train: train.set,
    test: test.set,
    record: { name: spec.name, source, dir, files, modified: files.some((f) => !f.verified) },
  };
}

function outcome(loaded: Omit<LoadedDataset, "tried">): string {
  const files = loaded.record.files;
  const verified = files.filter((f) => f.verified).length;
  let text = `loaded, ${verified} of ${files.length} files SHA-256 verified`;
  if (loaded.record.modified) text += " (modified copy accepted)";
  return text;
}

/** How to supply the files by hand, for the end of an error message. */
function howToSupply(spec: DatasetSpec): string {
  const where = spec.mirrors.length > 0 ? ` from ${spec.mirrors[0]}` : "";
  return `To supply the files by hand: download ${
    fileNames(spec).join(", ")
  }${where}; check them against the SHA-256 sums in ` +
    `datasets/${spec.name}/README.md; then pass --data-dir DIR or set ${spec.envVar}=DIR ` +
    `for the folder holding them.`;
}

/**
 * Finds and loads a dataset: both splits as bytes, checked (format, length,
 * labels, SHA-256 of every file) and a record of where they came from.
 *
 * Tries `options.dataDir` alone if given; otherwise `datasets/<name>/`,
 * `datasets/<name>/cache/`, the system folders, then a download into the
 * cache. See the module documentation for the rules.
 *
 * @param name `mnist` or `fashion-mnist`.
 * @param options Where to look, whether to download, checksum policy.
 * @returns Train and test splits, the provenance record, and every place tried.
 * @throws {Error} when the explicit folder lacks a file or a file there is bad, or when every
 *   place failed: one message listing each place and what was wrong, and how to supply the
 *   files by hand.
 *
 * @example
 * ```ts ignore
 * import { loadDataset } from "./discover.ts";
 * const { train, record } = await loadDataset("fashion-mnist");
 * train.count; // 60000
 * record.source; // "embedded"
 * ```
 */
export async function loadDataset(name: DatasetName, options: LoadOptions = {}): Promise<LoadedDataset> {
  const spec = datasetSpec(name);
  if (options.dataDir !== undefined) return await loadExplicit(spec, resolve(options.dataDir), options);
  const tried: string[] = [];
  const attempt = async (source: DatasetSource, dir: string) => {
    const found = await locate(dir, spec);
    if ("problem" in found) {
      tried.push(`${source} ${dir}: ${found.problem}`);
      return null;
    }
    try {
      const loaded = await loadFrom(spec, found.dir, source, options);
      tried.push(`${source} ${found.dir}: ${outcome(loaded)}`);
      return { ...loaded, tried };
    } catch (error) {
      tried.push(`${source} ${found.dir}: ${messageOf(error)}`);
      return null;
    }
  };

  const root = options.root !== undefined ? resolve(options.root) : defaultRoot();
  const home = root === null ? null : join(root, "datasets", name);
  const cache = home === null ? null : join(home, "cache");
  if (home === null || cache === null) {
    tried.push("embedded: not running from a local checkout, no datasets/ folder");
  } else {
    const found = (await attempt("embedded", home)) ?? (await attempt("cache", cache));
    if (found) return found;
  }

  const systemDirs = options.systemDirs ?? spec.systemDirs;
  if (systemDirs.length === 0) tried.push(`system: no known system folder for ${name}`);
  for (const dir of systemDirs) {
    const found = await attempt("system", resolve(dir));
    if (found) return found;
  }

  if (options.download === false) {
    tried.push("download: not attempted (downloads disabled)");
  } else if (cache === null) {
    tried.push("download: not attempted (no cache folder outside a local checkout)");
  } else if (await download(spec, cache, { options, tried })) {
    const found = await attempt("download", cache);
    if (found) return found;
  }

  throw new Error(
    `found no usable copy of ${spec.title} (${name}). Tried, in order:\n` +
      tried.map((line) => `  - ${line}\n`).join("") + howToSupply(spec),
  );
}

/** Loads the folder given by `--data-dir` or the environment variable, and nothing else. */
async function loadExplicit(spec: DatasetSpec, dataDir: string, options: LoadOptions): Promise<LoadedDataset> {
  const source: DatasetSource = options.dataDirSource === "env" ? "env" : "data-dir";
  const origin = source === "env" ? spec.envVar : "--data-dir";
  const found = await locate(dataDir, spec);
  if ("problem" in found) {
    throw new Error(
      `the ${spec.name} data dir ${dataDir} (from ${origin}): ${found.problem}. An explicit folder must hold every ` +
        `file (${fileNames(spec).join(", ")}); no other place was tried. ${howToSupply(spec)}`,
    );
  }
  try {
    const loaded = await loadFrom(spec, found.dir, source, options);
    return { ...loaded, tried: [`${source} ${found.dir}: ${outcome(loaded)}`] };
  } catch (error) {
    throw new Error(`the ${spec.name} data dir ${found.dir} (from ${origin}): ${messageOf(error)}`, { cause: error });
  }
}

/** Downloads the dataset's files into `cache`; whether they landed (each problem noted in `tried`). */
async function download(
  spec: DatasetSpec,
  cache: string,
  context: { options: LoadOptions; tried: string[] },
): Promise<boolean> {
  try {
    await Deno.mkdir(cache, { recursive: true });
    return await downloadFiles(spec, cache, context.options, context.tried);
  } catch (error) {
    context.tried.push(`download into ${cache}: ${messageOf(error)}`);
    return false;
  }
}
