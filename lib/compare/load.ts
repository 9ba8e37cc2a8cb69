// Nothing here throws for a bad input: each problem becomes a warning naming the file.
import { basename } from "node:path";
import { type DatasetRecord, sha256Hex } from "../data/mod.ts";
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

/** One arm of a run, what compare puts side by side; a single-arm run has one arm, named "". */
export interface Arm {
  /** The run id, `reference/<id>` for reference runs, `<id>/<arm>` for an arm of a multi-arm run. */
  label: string;
  /** Manifest `run_id`, else the folder's name. */
  runId: string;
  dir: string | null;
  metricsPath: string | null;
  manifestPath: string | null;
  manifest: Manifest | null;
  experiment: string | null;
  /** The arm's name in the metrics file ("" for single-arm runs). */
  name: string;
  /** As `dataIdentity` gives it. */
  data: string | null;
  /** Null when there is no readable manifest. */
  settings: Record<string, SettingValue> | null;
  rows: MetricsRow[];
  /** The same rows as the exact strings in the file. */
  raw: Record<MetricsColumn, string>[];
  /** The file line of each row. */
  lines: number[];
  /** The line number of a truncated last line that was dropped. */
  truncatedLine: number | null;
}

/** Reads the runs `findRuns` finds for `inputs` (paths or globs) and `options.experiments`, and each problem met. */
export async function loadRuns(
  inputs: string[],
  options: FindOptions = {},
): Promise<{ arms: Arm[]; warnings: string[] }> {
  const { sources, warnings } = await findRuns(inputs, options);
  const arms: Arm[] = [];
  for (const source of sources) arms.push(...(await readSource(source, warnings)));
  uniquifyLabels(arms);
  return { arms, warnings };
}

/** Reads one source's manifest and metrics, one entry per arm. */
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
    const mine = <T>(list: readonly T[] = []) => list.filter((_, i) => table!.rows[i].arm === arm);
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
      rows: mine(table?.rows),
      raw: mine(table?.raw),
      lines: mine(table?.lines),
      truncatedLine: table?.truncatedLine ?? null,
    };
  });
}

/** The data a run read, in a few characters, e.g. `mnist 1f0b2c3d` or `mnist 9e8d7c6b modified`; null for none. */
export function dataIdentity(datasets: readonly DatasetRecord[]): string | null {
  if (datasets.length === 0) return null;
  return datasets.map((d) => {
    const digest = sha256Hex(new TextEncoder().encode(d.files.map((f) => `${f.name} ${f.sha256}\n`).join("")));
    return `${d.name} ${digest.slice(0, 8)}${d.modified ? " modified" : ""}`;
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
  for (const arm of arms) counts.set(arm.label, (counts.get(arm.label) ?? 0) + 1);
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
