/**
 * Reading the runs to compare (found by `findRuns`), each arm of a run one
 * entry.
 *
 * Nothing here throws for a bad input: each problem becomes a warning naming
 * the file, and whatever could be read is still returned.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import type { DatasetRecord } from "../data/mod.ts";
import {
  type FindOptions,
  findRuns,
  type Manifest,
  type MetricsColumn,
  type MetricsRow,
  readManifest,
  readMetrics,
  RUN_FILES,
  type RunSource,
  type SettingValue,
} from "../run/mod.ts";

/**
 * What compare puts side by side: one arm of a run. A single-arm run has one
 * arm, named "", and stands for the whole run; a multi-arm run has one per arm.
 */
export interface Arm {
  /** How the arm is named in tables and legends: the run id, `reference/<id>` for reference runs, `<id>/<arm>` for an arm of a multi-arm run. */
  label: string;
  /** The run id (manifest `run_id`, else the folder's name). */
  runId: string;
  /** The run folder, when known. */
  dir: string | null;
  /** The metrics file read, or null when there was none. */
  metricsPath: string | null;
  /** The manifest read, or null when there was none or it was unreadable. */
  manifestPath: string | null;
  /** The manifest, when it could be read. */
  manifest: Manifest | null;
  /** The experiment's name, from the manifest. */
  experiment: string | null;
  /** The arm's name in the metrics file ("" for single-arm runs). */
  name: string;
  /** The data read, as `dataIdentity` gives it (null when the manifest records none). */
  data: string | null;
  /** The run's settings (flat), or null when there is no readable manifest. */
  settings: Record<string, SettingValue> | null;
  /** This arm's metric rows, typed. */
  rows: MetricsRow[];
  /** The same rows as the exact strings in the file. */
  raw: Record<MetricsColumn, string>[];
  /** The file line of each row. */
  lines: number[];
  /** The line number of a truncated last line that was dropped, or null. */
  truncatedLine: number | null;
}

/** What `loadRuns` found. */
export interface LoadResult {
  /** The runs, in the order given (arms of one run in the order they appear in its file). */
  arms: Arm[];
  /** Each problem met, naming the file or input. */
  warnings: string[];
}

/** Where `loadRuns` looks for an experiment's runs. */
export type LoadOptions = FindOptions;

/**
 * Reads the runs named by `inputs` (run folders, metrics CSVs, manifests,
 * globs, folders of run folders) and by `options.experiments`.
 *
 * @param inputs paths or glob patterns, as given on the command line.
 * @param options experiments to add, and where results live.
 * @returns the runs, and a warning for each input or file that could not be used as is.
 */
export async function loadRuns(inputs: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { sources, warnings } = await findRuns(inputs, options);
  const arms: Arm[] = [];
  for (const source of sources) arms.push(...(await readSource(source, warnings)));
  uniquifyLabels(arms);
  return { arms, warnings };
}

/** Reads one source's manifest and metrics, split into one run per arm. */
async function readSource(source: RunSource, warnings: string[]): Promise<Arm[]> {
  let manifest: Manifest | null = null;
  if (source.manifestPath !== null) {
    try {
      manifest = await readManifest(source.manifestPath);
    } catch (error) {
      warnings.push(`${(error as Error).message}; settings, status and wall time unknown`);
    }
  } else if (source.metricsPath !== null) {
    warnings.push(`${source.metricsPath}: no ${RUN_FILES.manifest} beside it; settings, status and wall time unknown`);
  }
  let table: Awaited<ReturnType<typeof readMetrics>> | null = null;
  if (source.metricsPath !== null) {
    try {
      table = await readMetrics(source.metricsPath);
      warnings.push(...table.warnings);
    } catch (error) {
      warnings.push(`${(error as Error).message}; its rows are left out`);
    }
  } else {
    warnings.push(`${source.dir}: no ${RUN_FILES.metrics}; only the manifest's final metrics are shown`);
  }
  if (manifest?.status === "completed" && table?.rows.length === 0) {
    warnings.push(`${source.metricsPath}: only a header, though the manifest says the run completed`);
  }
  if (manifest === null && (table === null || table.rows.length === 0)) {
    warnings.push(`${source.metricsPath ?? source.dir}: nothing readable; run left out`);
    return [];
  }

  const runId = manifest?.run_id ?? basename(source.dir);
  const base = source.reference ? `reference/${runId}` : runId;
  const arms = table !== null && table.rows.length > 0
    ? [...new Set(table.rows.map((row) => row.arm))]
    : armsOfManifest(manifest);
  return arms.map((arm) => {
    const indices = table === null ? [] : table.rows.flatMap((row, i) => (row.arm === arm ? [i] : []));
    return {
      label: arm === "" ? base : `${base}/${arm}`,
      runId,
      dir: source.dir,
      metricsPath: table === null ? null : source.metricsPath,
      manifestPath: manifest === null ? null : source.manifestPath,
      manifest,
      experiment: manifest?.experiment ?? null,
      name: arm,
      data: dataIdentity(manifest?.datasets ?? []),
      settings: manifest?.settings ?? null,
      rows: indices.map((i) => table!.rows[i]),
      raw: indices.map((i) => table!.raw[i]),
      lines: indices.map((i) => table!.lines[i]),
      truncatedLine: table?.truncatedLine ?? null,
    };
  });
}

/**
 * The data a run read, in a few characters: each dataset's name and the first
 * 8 hex digits of a SHA-256 over its files' names and SHA-256s, plus
 * `modified` when a copy with other checksums was accepted; null for none.
 *
 * @example
 * ```ts
 * dataIdentity(manifest.datasets); // "mnist 1f0b2c3d" or "mnist 9e8d7c6b modified"
 * ```
 */
export function dataIdentity(datasets: readonly DatasetRecord[]): string | null {
  if (datasets.length === 0) return null;
  return datasets.map((d) => {
    const digest = createHash("sha256").update(d.files.map((f) => `${f.name} ${f.sha256}\n`).join(""));
    return `${d.name} ${digest.digest("hex").slice(0, 8)}${d.modified ? " modified" : ""}`;
  }).join(", ");
}

/** The arms named by a manifest's final-metrics keys (`<arm>/<split>`), or the single arm "". */
function armsOfManifest(manifest: Manifest | null): string[] {
  const keys = Object.keys(manifest?.final_metrics ?? {});
  const arms = [...new Set(keys.filter((key) => key.includes("/")).map((key) => key.split("/")[0]))];
  return arms.length > 0 ? arms : [""];
}

/** Makes labels unique by adding the folder path (or a counter) to repeated ones. */
function uniquifyLabels(arms: Arm[]): void {
  const counts = new Map<string, number>();
  for (const arm of arms) {
    counts.set(arm.label, (counts.get(arm.label) ?? 0) + 1);
  }
  const used = new Set<string>();
  for (const arm of arms) {
    if (counts.get(arm.label) === 1) {
      used.add(arm.label);
      continue;
    }
    let label = arm.dir !== null ? `${arm.dir}${arm.name === "" ? "" : `/${arm.name}`}` : arm.label;
    for (let n = 2; used.has(label); n++) label = `${arm.label} (${n})`;
    arm.label = label;
    used.add(label);
  }
}
