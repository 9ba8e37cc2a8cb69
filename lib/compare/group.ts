/**
 * Grouping runs by settings and summarising each group over its seeds.
 *
 * @module
 */
import type { SettingValue } from "../report/mod.ts";
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

/** A group of runs sharing the grouped-by settings, experiment and arm. */
export interface Group {
  /** A name made of the values that tell groups apart, e.g. `lr=0.005`. */
  label: string;
  /** The grouped-by settings' values shared by the members (undefined when absent). */
  values: Record<string, SettingValue | undefined>;
  /** The indices of the member runs. */
  members: number[];
  /** Each summary metric over the members. */
  stats: Record<SummaryMetric, Stats>;
}

/** Options of `groupRuns`. */
export interface GroupOptions {
  /** The settings that define a group; default every setting but `seed`. */
  groupBy?: readonly string[];
  /** Settings never grouped by. */
  ignore?: readonly string[];
}

/**
 * Groups runs by experiment, arm and the `groupBy` settings, in order of
 * first appearance; a run without a manifest makes a group of its own.
 *
 * @param runs the runs.
 * @param summaries their summaries, parallel to `runs`.
 * @param options the settings to group by and to ignore.
 */
export function groupArms(
  arms: readonly Arm[],
  summaries: readonly ArmSummary[],
  options: GroupOptions = {},
): Group[] {
  const ignore = new Set(["seed", ...(options.ignore ?? [])]);
  const keys = options.groupBy !== undefined
    ? [...options.groupBy]
    : [...new Set(arms.flatMap((arm) => Object.keys(arm.settings ?? {})))]
      .filter((key) => !ignore.has(key)).sort();
  const byKey = new Map<string, number[]>();
  arms.forEach((arm, i) => {
    const key = arm.settings === null ? `\u0000${i}` : JSON.stringify([
      arm.experiment,
      arm.name,
      ...keys.map((k) => settingKey(arm.settings![k])),
    ]);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const groups = [...byKey.values()].map((members) => {
    const first = arms[members[0]];
    const values = Object.fromEntries(
      keys.map((k) => [k, first.settings?.[k]]),
    );
    const stats = Object.fromEntries(
      SUMMARY_METRICS.map((
        metric,
      ) => [metric, describe(members.map((i) => summaries[i][metric]))]),
    ) as Record<SummaryMetric, Stats>;
    return { label: "", values, members, stats };
  });
  labelGroups(groups, arms, keys);
  return groups;
}

/** Labels each group by the settings (and experiment, arm) that differ between groups. */
function labelGroups(
  groups: Group[],
  arms: readonly Arm[],
  keys: string[],
): void {
  // Only groups with settings tell each other apart; the others are named by their run.
  const known = groups.filter((g) => arms[g.members[0]].settings !== null);
  const varying = keys.filter((k) => new Set(known.map((g) => settingKey(g.values[k]))).size > 1);
  const experiments = new Set(known.map((g) => arms[g.members[0]].experiment));
  const armNames = new Set(known.map((g) => arms[g.members[0]].name));
  for (const group of groups) {
    const first = arms[group.members[0]];
    if (first.settings === null) {
      group.label = `${first.label} (no manifest)`;
      continue;
    }
    const parts = [
      ...(experiments.size > 1 ? [first.experiment ?? "?"] : []),
      ...(armNames.size > 1 && first.name !== "" ? [first.name] : []),
      ...varying.map((k) => `${k}=${group.values[k] === undefined ? "-" : String(group.values[k])}`),
    ];
    group.label = parts.length > 0 ? parts.join(" ") : "all";
  }
}
