/**
 * Grouping runs by settings and summarising each group over its seeds.
 *
 * @module
 */
import type { SettingValue } from "../run/mod.ts";
import type { Arm } from "./load.ts";
import { settingKey } from "./settings_diff.ts";
import { type ArmSummary, SUMMARY_METRICS, type SummaryMetric } from "./summary.ts";

/** Mean, sample standard deviation, minimum and maximum of the finite values. */
export interface Stats {
  /** How many finite values there were. */
  n: number;
  /** Their mean (null when n is 0). */
  mean: number | null;
  /** Their sample standard deviation, dividing by n - 1 (null when n < 2). */
  std: number | null;
  /** The smallest (null when n is 0). */
  min: number | null;
  /** The largest (null when n is 0). */
  max: number | null;
}

/**
 * Describes the finite values among `values` (nulls, NaN and infinities are left out).
 *
 * @example
 * ```ts
 * describe([1, 2, 3, 4]); // { n: 4, mean: 2.5, std: 1.2909944487358056, min: 1, max: 4 }
 * ```
 */
export function describe(values: readonly (number | null)[]): Stats {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { n, mean: null, std: null, min: null, max: null };
  const mean = finite.reduce((sum, v) => sum + v, 0) / n;
  const std = n < 2 ? null : Math.sqrt(finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, min: Math.min(...finite), max: Math.max(...finite) };
}

/** A group of runs sharing the grouped-by settings, experiment, data and arm. */
export interface Group {
  /** A name made of the values that tell groups apart, e.g. `lr=0.005`. */
  label: string;
  /** The grouped-by settings' values shared by the members (undefined when absent). */
  values: Record<string, SettingValue | undefined>;
  /** The indices of the arms counted in the statistics. */
  members: number[];
  /** The indices of the arms left out of the statistics: runs that did not complete. */
  leftOut: number[];
  /** Each summary metric over the members. */
  stats: Record<SummaryMetric, Stats>;
}

/** Options of `groupArms`. */
export interface GroupOptions {
  /** The settings that define a group; default every setting but `seed`. */
  groupBy?: readonly string[];
  /** Settings never grouped by. */
  ignore?: readonly string[];
  /** Count runs that did not complete (failed, interrupted, diverged, running, unknown); default false. */
  includeIncomplete?: boolean;
}

/**
 * Groups arms by experiment, data, arm name and the `groupBy` settings, in
 * order of first appearance; an arm without a manifest makes a group of its
 * own. Statistics count completed runs only, unless `includeIncomplete`.
 *
 * @param arms the arms.
 * @param summaries their summaries, parallel to `arms`.
 * @param options the settings to group by and to ignore, and whether to count incomplete runs.
 * @throws {Error} naming `--group-by` and listing the settings when no arm has a `groupBy` key, or there is none.
 */
export function groupArms(arms: readonly Arm[], summaries: readonly ArmSummary[], options: GroupOptions = {}): Group[] {
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
  const byKey = new Map<string, number[]>();
  arms.forEach((arm, i) => {
    const key = arm.settings === null
      ? `\u0000${i}`
      : JSON.stringify([arm.experiment, arm.data, arm.name, ...keys.map((k) => settingKey(arm.settings![k]))]);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
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
