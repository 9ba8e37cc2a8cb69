/**
 * Finding runs from paths, globs and experiment names; nothing here throws for a bad input: each problem becomes a
 * warning naming the path.
 *
 * @module
 */
import { glob } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { isFile } from "../_fs.ts";
import { RUN_FILES } from "./layout.ts";

/** A run found: its folder and the files of it that exist. */
export interface RunSource {
  /** The run folder. */
  dir: string;
  /** Its `metrics.csv`, or null when there is none. */
  metricsPath: string | null;
  /** Its `manifest.json`, or null when there is none. */
  manifestPath: string | null;
  /** Whether it is a committed reference run (under a `reference` folder). */
  reference: boolean;
}

/** Where {@linkcode findRuns} looks for an experiment's runs. */
export interface FindOptions {
  /** Experiment names whose runs under `resultsDir` are added (reference runs first). */
  experiments?: string[];
  /** The results folder; default `results`. */
  resultsDir?: string;
}

/**
 * The runs named by `options.experiments` and `inputs` (run folders, metrics CSVs, manifests, globs, folders of run
 * folders, as given on the command line), each once, in that order, and a warning for each input that names none.
 */
export async function findRuns(
  inputs: string[],
  options: FindOptions = {},
): Promise<{ sources: RunSource[]; warnings: string[] }> {
  const warnings: string[] = [];
  const sources: RunSource[] = [];
  const resultsDir = options.resultsDir ?? "results";
  for (const experiment of options.experiments ?? []) {
    // The committed reference is a run folder itself (results/reference/NAME/); a folder of them works too.
    const referenceDir = join(resultsDir, "reference", experiment);
    const reference = await folderSource(referenceDir);
    const found = [
      ...(reference !== null ? [reference] : await runFolders(referenceDir)),
      ...(await runFolders(join(resultsDir, experiment))),
    ];
    if (found.length === 0) {
      warnings.push(`--experiment ${experiment}: no runs in ${join(resultsDir, experiment)} or ${referenceDir}`);
    }
    sources.push(...found);
  }
  for (const input of inputs) {
    if (/[*?[]/.test(input)) { // a pattern the shell left unexpanded (quoted)
      const matches = (await Array.fromAsync(glob(input))).sort();
      if (matches.length === 0) warnings.push(`${input}: the pattern matches nothing`);
      for (const match of matches) sources.push(...(await sourcesOf(match, warnings)));
    } else {
      sources.push(...(await sourcesOf(input, warnings)));
    }
  }
  const seen = new Set<string>();
  return {
    sources: sources.filter((s) => {
      const key = s.metricsPath ?? s.manifestPath ?? "";
      return !seen.has(key) && Boolean(seen.add(key));
    }),
    warnings,
  };
}

/** The run folders directly inside `dir` (none when it does not exist), sorted by name. */
async function runFolders(dir: string): Promise<RunSource[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isDirectory) names.push(entry.name);
  } catch {
    return [];
  }
  const sources = await Promise.all(names.sort().map((name) => folderSource(join(dir, name))));
  return sources.filter((source) => source !== null);
}

/** The run in `dir` with the files given, or else those that exist; null when it holds neither. */
async function folderSource(
  dir: string,
  given: { metricsPath?: string; manifestPath?: string } = {},
): Promise<RunSource | null> {
  const existing = async (name: string) => (await isFile(join(dir, name))) ? join(dir, name) : null;
  const metricsPath = given.metricsPath ?? await existing(RUN_FILES.metrics);
  const manifestPath = given.manifestPath ?? await existing(RUN_FILES.manifest);
  const reference = [dirname(dir), dirname(dirname(dir))].some((d) => d.split(sep).at(-1) === "reference");
  return metricsPath === null && manifestPath === null ? null : { dir, metricsPath, manifestPath, reference };
}

/** The runs one path stands for: a run folder, a folder of them, a metrics CSV or a manifest. */
async function sourcesOf(path: string, warnings: string[]): Promise<RunSource[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    warnings.push(
      error instanceof Deno.errors.NotFound
        ? `${path}: no such file or folder; skipped`
        : `${path}: cannot be read (${(error as Error).message}); skipped`,
    );
    return [];
  }
  if (info.isDirectory) {
    const source = await folderSource(path);
    if (source !== null) return [source];
    const inside = await runFolders(path);
    if (inside.length === 0) {
      warnings.push(
        `${path}: not a run folder (no ${RUN_FILES.metrics} or ${RUN_FILES.manifest} in it or its subfolders); skipped`,
      );
    }
    return inside;
  }
  const given = basename(path) === RUN_FILES.manifest ? { manifestPath: path } : { metricsPath: path };
  return [(await folderSource(dirname(path), given))!];
}
