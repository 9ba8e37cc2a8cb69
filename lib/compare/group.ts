// The runs' settings: which differ, and groups of runs sharing them, summarised over their seeds.
import type { SettingValue } from "../run/mod.ts";
import type { Arm } from "./load.ts";
import { type ArmSummary, SUMMARY_METRICS, type SummaryMetric } from "./summary.ts";

/** What `diffSettings` needs of a run (null settings: no readable manifest). */
export type SettingsSource = Pick<Arm, "experiment" | "settings"> & { data?: string | null };

/** One setting (or `experiment`, `data`) whose value is not the same in every run; one value per run. */
export interface SettingDifference {
  key: string;
  values: (SettingValue | undefined)[];
}

/** The settings whose values are not all equal, in key order; runs without settings take no part. */
export function diffSettings(
  arms: readonly SettingsSource[],
  options: { ignore?: readonly string[] } = {},
): SettingDifference[] {
  const ignore = new Set(options.ignore ?? []);
  const known = arms.filter((arm) => arm.settings !== null);
  const differences: SettingDifference[] = [];
  for (const key of ["experiment", "data"] as const) {
    if (new Set(known.map((arm) => arm[key] ?? null)).size > 1) {
      differences.push({ key, values: arms.map((arm) => arm[key] ?? undefined) });
    }
  }
  for (const key of [...new Set(known.flatMap((arm) => Object.keys(arm.settings!)))].sort()) {
    if (ignore.has(key)) continue;
    if (new Set(known.map((arm) => settingKey(arm.settings![key]))).size > 1) {
      differences.push({ key, values: arms.map((arm) => arm.settings?.[key]) });
    }
  }
  return differences;
}

/** A string that is equal for equal setting values (missing included). */
function settingKey(value: SettingValue | undefined): string {
  return value === undefined ? "\u0000missing" : JSON.stringify(value);
}

/** Settings as one comparable string: keys sorted, ignored keys left out. */
export function settingsKey(settings: Record<string, SettingValue>, ignore: readonly string[] = []): string {
  const keys = Object.keys(settings).filter((key) => !ignore.includes(key)).sort();
  return JSON.stringify(keys.map((key) => [key, settings[key]]));
}

/** Count, mean, sample standard deviation (n - 1), minimum and maximum; null where undefined. */
export interface Stats {
  n: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

/** Describes the finite values among `values` (nulls, NaN and infinities are left out). */
export function describe(values: readonly (number | null)[]): Stats {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { n, mean: null, std: null, min: null, max: null };
  const mean = finite.reduce((sum, v) => sum + v, 0) / n;
  const std = n < 2 ? null : Math.sqrt(finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, min: Math.min(...finite), max: Math.max(...finite) };
}

/** Runs sharing the grouped-by settings, experiment, data and arm; `leftOut`: those that did not complete. */
export interface Group {
  /** Made of the values that tell groups apart, e.g. `lr=0.005`. */
  label: string;
  values: Record<string, SettingValue | undefined>;
  /** Indices of the arms counted in `stats`. */
  members: number[];
  leftOut: number[];
  stats: Record<SummaryMetric, Stats>;
}

/**
 * Groups arms by experiment, data, arm name and the `groupBy` settings (default all but seed and `ignore`), in
 * order of first appearance; throws naming `--group-by` for a setting no run has.
 */
export function groupArms(
  arms: readonly Arm[],
  summaries: readonly ArmSummary[],
  options: { groupBy?: readonly string[]; ignore?: readonly string[]; includeIncomplete?: boolean } = {},
): Group[] {
  const ignore = new Set(["seed", ...(options.ignore ?? [])]);
  const known = [...new Set(arms.flatMap((arm) => Object.keys(arm.settings ?? {})))].sort();
  const keys = options.groupBy !== undefined ? [...options.groupBy] : known.filter((key) => !ignore.has(key));
  const unknown = keys.filter((key) => !known.includes(key));
  if (unknown.length > 0 || options.groupBy?.length === 0) {
    throw new Error(
      `--group-by ${unknown.join(",")}: ${unknown.length > 0 ? "no run has such a setting" : "give a setting"}; ` +
        `the settings are: ${known.join(", ") || "(none: no run has a manifest)"}`,
    );
  }
  const byKey = Map.groupBy(arms.keys(), (i) => {
    const arm = arms[i];
    if (arm.settings === null) return `\u0000${i}`;
    return JSON.stringify([arm.experiment, arm.data, arm.name, ...keys.map((k) => settingKey(arm.settings![k]))]);
  });
  const groups = [...byKey.values()].map((indices) => {
    const members = indices.filter((i) => options.includeIncomplete || arms[i].manifest?.status === "completed");
    const values = Object.fromEntries(keys.map((k) => [k, arms[indices[0]].settings?.[k]]));
    const stats = Object.fromEntries(
      SUMMARY_METRICS.map((metric) => [metric, describe(members.map((i) => summaries[i][metric]))]),
    ) as Record<SummaryMetric, Stats>;
    return { label: "", values, members, leftOut: indices.filter((i) => !members.includes(i)), stats };
  });
  labelGroups(groups, arms, keys, options.groupBy !== undefined);
  return groups;
}

/** Labels each group by the settings asked for, else those (and experiment, data, arm) that differ between groups. */
function labelGroups(groups: Group[], arms: readonly Arm[], keys: string[], explicit: boolean): void {
  const firsts = groups.map((g) => arms[g.members[0] ?? g.leftOut[0]]);
  // Only groups with settings tell each other apart; the others are named by their run.
  const known = groups.filter((_, k) => firsts[k].settings !== null);
  const varying = keys.filter((k) => explicit || new Set(known.map((g) => settingKey(g.values[k]))).size > 1);
  const differ = (f: (arm: Arm) => unknown) => new Set(firsts.filter((a) => a.settings !== null).map(f)).size > 1;
  const [experiments, data, names] = [differ((a) => a.experiment), differ((a) => a.data), differ((a) => a.name)];
  groups.forEach((group, k) => {
    const first = firsts[k];
    const parts = [
      ...(experiments ? [first.experiment ?? "?"] : []),
      ...(data ? [`data=${first.data ?? "-"}`] : []),
      ...(names && first.name !== "" ? [first.name] : []),
      ...varying.map((key) => `${key}=${group.values[key] === undefined ? "-" : String(group.values[key])}`),
    ];
    group.label = first.settings === null ? `${first.label} (no manifest)` : parts.join(" ") || "all";
  });
}
