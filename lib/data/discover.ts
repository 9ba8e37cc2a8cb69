/**
 * Finding a dataset's files and loading them, with a record of where they came from.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { isFile, pathKind, PROJECT_ROOT, writeAtomically } from "../_fs.ts";
import type { ImageSet } from "./image_set.ts";
import { type DatasetFileRecord, readIdxPair, sha256Hex } from "./idx.ts";
import { type DatasetName, type DatasetSpec, datasetSpec } from "./registry.ts";

/** Where one dataset came from. */
export interface DatasetRecord {
  /** The dataset's name, e.g. `fashion-mnist`. */
  name: string;
  /** How it was found: `data-dir`, `env`, `embedded`, `cache`, `system` or `download`. */
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
  /** The repository root holding `datasets/`. Default: the project's root. */
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
  /** Told of progress worth a line on the console (downloads). */
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

const fileNames = (spec: DatasetSpec) => spec.files.map((file) => file.name);

/** Accepted sums by file name: the caller's, else the registry's. */
function expectedSums(spec: DatasetSpec, options: LoadOptions): Record<string, string[]> {
  return Object.fromEntries(spec.files.map((file) => {
    const given = options.checksums?.[file.name];
    return [file.name, given !== undefined ? [given.toLowerCase()] : file.sums.map((s) => s.sha256)];
  }));
}

/** What keeps `dir` from holding every file of the dataset (missing, or not a file), or null when nothing. */
async function locate(dir: string, spec: DatasetSpec): Promise<string | null> {
  if ((await pathKind(dir)) !== "directory") return "folder does not exist";
  const missing: string[] = [], problems: string[] = [];
  for (const name of fileNames(spec)) {
    const kind = await pathKind(join(dir, name));
    if (kind === "missing") missing.push(name);
    else if (kind !== "file") {
      problems.push(`${name} is ${kind === "directory" ? "a directory" : "something else"}, not a file`);
    }
  }
  if (missing.length > 0) problems.unshift(`missing ${missing.join(", ")}`);
  return problems.length === 0 ? null : problems.join("; ");
}

/** Both splits read from `dir` and checked, with the record and the line saying how it went. */
async function loadFrom(
  spec: DatasetSpec,
  dir: string,
  options: LoadOptions & { source: string },
): Promise<LoadedDataset> {
  const expectedSha256 = expectedSums(spec, options);
  const check = { expectedSha256, allowModified: options.allowModified, classNames: spec.classNames };
  const split = async (files: DatasetSpec["train"]) => {
    const loaded = await readIdxPair(join(dir, files.images), join(dir, files.labels), check);
    const { channels, height, width } = loaded.set;
    if (channels !== spec.channels || height !== spec.height || width !== spec.width) {
      throw new Error(
        `${spec.name} images in ${dir} are ${channels}x${height}x${width}, ` +
          `expected ${spec.channels}x${spec.height}x${spec.width}`,
      );
    }
    return loaded;
  };
  const train = await split(spec.train);
  const test = await split(spec.test);
  const files = [...train.files, ...test.files];
  const modified = files.some((f) => !f.verified);
  const verified = files.filter((f) => f.verified).length;
  const outcome = `loaded, ${verified} of ${files.length} files SHA-256 verified` +
    (modified ? " (modified copy accepted)" : "");
  return {
    train: train.set,
    test: test.set,
    record: { name: spec.name, source: options.source, dir, files, modified },
    tried: [`${options.source} ${dir}: ${outcome}`],
  };
}

/** How to supply the files by hand, for the end of an error message. */
function howToSupply(spec: DatasetSpec): string {
  return `To supply the files by hand: download ${fileNames(spec).join(", ")} from ${spec.mirrors[0]}; check ` +
    `them against the SHA-256 sums in datasets/${spec.name}/README.md; then pass --data-dir DIR or set ` +
    `${spec.envVar}=DIR for the folder holding them.`;
}

/**
 * Loads a dataset from the first place that holds every file and loads cleanly: `options.dataDir` alone, if
 * given (explicit beats implicit); else `datasets/<name>/`, its `cache/`, the system folders (Debian's
 * `/usr/share/datasets/fashion-mnist/`), a download into the cache. When all fail, one error lists every place
 * tried, what was wrong there, and how to supply the files by hand.
 */
export async function loadDataset(name: DatasetName, options: LoadOptions = {}): Promise<LoadedDataset> {
  const spec = datasetSpec(name);
  if (options.dataDir !== undefined) return await loadExplicit(spec, resolve(options.dataDir), options);
  const tried: string[] = [];
  const attempt = async (source: string, dir: string): Promise<LoadedDataset | null> => {
    const problem = await locate(dir, spec);
    if (problem !== null) {
      tried.push(`${source} ${dir}: ${problem}`);
      return null;
    }
    try {
      const loaded = await loadFrom(spec, dir, { ...options, source });
      tried.push(...loaded.tried);
      return { ...loaded, tried };
    } catch (error) {
      tried.push(`${source} ${dir}: ${(error as Error).message}`);
      return null;
    }
  };

  const root = options.root ?? (import.meta.url.startsWith("file:") ? PROJECT_ROOT : null);
  const home = root === null ? null : join(resolve(root), "datasets", name);
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
  const source = options.dataDirSource === "env" ? "env" : "data-dir";
  const origin = source === "env" ? spec.envVar : "--data-dir";
  const problem = await locate(dataDir, spec);
  if (problem !== null) {
    throw new Error(
      `the ${spec.name} data dir ${dataDir} (from ${origin}): ${problem}. An explicit folder must hold every ` +
        `file (${fileNames(spec).join(", ")}); no other place was tried. ${howToSupply(spec)}`,
    );
  }
  try {
    return await loadFrom(spec, dataDir, { ...options, source });
  } catch (error) {
    const why = (error as Error).message;
    throw new Error(`the ${spec.name} data dir ${dataDir} (from ${origin}): ${why}`, { cause: error });
  }
}

/** Downloads every file the cache lacks (or holds with a wrong sum); whether all landed, each attempt in `tried`. */
async function download(
  spec: DatasetSpec,
  cache: string,
  context: { options: LoadOptions; tried: string[] },
): Promise<boolean> {
  const { options, tried } = context;
  try {
    await Deno.mkdir(cache, { recursive: true });
    const expected = expectedSums(spec, options);
    for (const name of fileNames(spec)) {
      const dest = join(cache, name);
      if (await isFile(dest) && expected[name].includes(sha256Hex(await Deno.readFile(dest)))) continue;
      const urls = (options.mirrors ?? spec.mirrors).map((m) => m.endsWith("/") ? m + name : `${m}/${name}`);
      if (!await downloadVerified(urls, dest, { ...context, expected: expected[name] })) return false;
    }
    return true;
  } catch (error) {
    tried.push(`download into ${cache}: ${(error as Error).message}`);
    return false;
  }
}

/** Downloads a file, retrying once on the second address; only bytes with an expected SHA-256 land, atomically. */
async function downloadVerified(
  urls: readonly string[],
  dest: string,
  context: { options: LoadOptions; tried: string[]; expected: string[] },
): Promise<boolean> {
  const { options, tried, expected } = context;
  for (const url of urls.slice(0, 2)) {
    options.log?.(`downloading ${url}`);
    let bytes: Uint8Array;
    try {
      bytes = await fetchBytes(url, 600_000); // ten minutes per address
    } catch (error) {
      tried.push(`download ${url}: ${(error as Error).message}`);
      continue;
    }
    const sha256 = sha256Hex(bytes);
    if (!expected.includes(sha256)) {
      tried.push(
        `download ${url}: got ${bytes.length} bytes with SHA-256 ${sha256}, expected ${
          expected.join(" or ")
        }; discarded`,
      );
      continue;
    }
    try {
      writeAtomically(dest, bytes);
    } catch (error) {
      tried.push(`download ${url}: verified, but cannot write ${dest}: ${(error as Error).message}`);
      return false;
    }
    tried.push(`download ${url}: verified, saved as ${dest}`);
    return true;
  }
  return false;
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw signal.aborted ? new Error(`no answer within ${timeoutMs} ms`) : error;
  }
}
