/**
 * Everything a comparison shows, computed once from the loaded runs; the
 * renderers only format it.
 *
 * @module
 */
import type { ChartSeries } from "../report/mod.ts";
import { describe, type Group, groupArms } from "./group.ts";
import type { Arm, LoadResult } from "./load.ts";
import { diffSettings, type SettingDifference } from "./settings_diff.ts";
import {
  type ArmSummary,
  type ChartMetric,
  chartSplit,
  metricSeries,
  parseChartMetric,
  summarizeArm,
  SUMMARY_METRICS,
  type SummaryMetric,
} from "./summary.ts";
import { reproducibilityVerdicts, type Verdict } from "./verdict.ts";

/** The chart's x axis. */
export type XAxis = "epoch" | "samples";

/** What to compare against what, and how to chart and group. */
export interface ComparisonOptions {
  /** The run the others are compared with: a label, run id or path; default the first run. */
  baseline?: string;
  /** The charted metric (see `parseChartMetric`); default `accuracy`, the evaluation accuracy. */
  metric?: string;
  /** The chart's x axis; default `epoch`. */
  x?: XAxis;
  /** Settings that define a group; default every setting but the seed. */
  groupBy?: string[];
  /** Settings left out of the diff, the reproducibility pairing and grouping. */
  ignore?: string[];
  /** Count runs that did not complete in the group statistics; default false. */
  includeIncomplete?: boolean;
}

/** A comparison, ready to render. */
export interface Comparison {
  /** The runs, in order. */
  arms: Arm[];
  /** Each run's final numbers. */
  summaries: ArmSummary[];
  /** The index of the baseline run. */
  baseline: number;
  /** Each run's numbers minus the baseline's (null where either is unknown). */
  deltas: Record<SummaryMetric, number | null>[];
  /** The settings that differ, one value per run. */
  settings: SettingDifference[];
  /** A verdict for every pair that should reproduce each other. */
  verdicts: Verdict[];
  /** The groups over seeds. */
  groups: Group[];
  /** The settings grouped by when given explicitly, else null (everything but the seed). */
  groupBy: string[] | null;
  /** True when the group statistics count runs that did not complete too. */
  includeIncomplete: boolean;
  /** True when the groups are worth showing: grouping was asked for, or a group has several runs. */
  showGroups: boolean;
  /** The chart's metric, axis and series (runs without such rows are listed in `missing`). */
  chart: {
    metric: ChartMetric;
    /** True when the series are group means with a band of ± one sample standard deviation (`groupBy` given). */
    groupMeans: boolean;
    /** The splits the curves were drawn from (for `eval`, each run's busier evaluation split). */
    splits: string[];
    x: XAxis;
    series: ChartSeries[];
    missing: string[];
  };
  /** Every warning from loading. */
  warnings: string[];
}

/**
 * Computes the comparison of loaded runs.
 *
 * @param loaded what `loadRuns` returned.
 * @param options baseline, chart metric and axis, grouping.
 * @throws {Error} naming the flag and value when the baseline matches no run or the metric or axis is unknown.
 */
export function buildComparison(loaded: LoadResult, options: ComparisonOptions = {}): Comparison {
  const arms = loaded.arms;
  const metric = parseChartMetric(options.metric ?? "accuracy");
  const x = options.x ?? "epoch";
  if (x !== "epoch" && x !== "samples") {
    throw new Error(`--x must be epoch or samples, got ${JSON.stringify(x)}`);
  }
  const baseline = options.baseline === undefined ? 0 : findArm(arms, options.baseline);
  const summaries = arms.map(summarizeArm);
  const deltas = summaries.map((summary) =>
    Object.fromEntries(SUMMARY_METRICS.map((m) => [m, difference(summary[m], summaries[baseline]?.[m])])) as Record<
      SummaryMetric,
      number | null
    >
  );
  const groups = groupArms(arms, summaries, options);
  const allSeries = arms.map((arm) => metricSeries(arm, metric, x));
  const groupMeans = options.groupBy !== undefined;
  const splits = arms.filter((_, i) => allSeries[i].values.length > 0)
    .map((arm) => chartSplit(arm, metric));
  return {
    arms,
    summaries,
    baseline,
    deltas,
    settings: diffSettings(arms, { ignore: options.ignore }),
    verdicts: reproducibilityVerdicts(arms, { ignore: options.ignore }),
    groups,
    groupBy: options.groupBy ?? null,
    includeIncomplete: options.includeIncomplete ?? false,
    showGroups: options.groupBy !== undefined ||
      groups.some((g) => g.members.length > 1),
    chart: {
      metric,
      x,
      splits: [...new Set(splits)],
      groupMeans,
      series: groupMeans
        ? groups.map((g) => meanSeries(g.label, g.members.map((i) => allSeries[i]))).filter((s) => s.values.length > 0)
        : allSeries.filter((s) => s.values.length > 0),
      missing: allSeries.filter((s) => s.values.length === 0).map((s) => s.name),
    },
    warnings: loaded.warnings,
  };
}

/** A group's mean curve, with its sample standard deviation as the band, at every x a member has. */
function meanSeries(label: string, members: ChartSeries[]): ChartSeries {
  const xs = [...new Set(members.flatMap((s) => s.x ?? []))].sort((a, b) => a - b);
  const stats = xs.map((x) => describe(members.flatMap((s) => s.values.filter((_, i) => s.x?.[i] === x))));
  const name = `${label} (mean of ${members.length})`;
  return { name, x: xs, values: stats.map((s) => s.mean ?? NaN), band: stats.map((s) => s.std ?? NaN) };
}

/**
 * The index of the arm named `name`: by label, then run id, then folder or file path.
 *
 * @throws {Error} naming `--baseline` and listing the runs when none matches.
 */
export function findArm(arms: readonly Arm[], name: string): number {
  const tests: ((arm: Arm) => boolean)[] = [
    (arm) => arm.label === name,
    (arm) => arm.runId === name,
    (arm) => [arm.dir, arm.metricsPath, arm.manifestPath].some((p) => p !== null && trim(p) === trim(name)),
  ];
  for (const test of tests) {
    const index = arms.findIndex(test);
    if (index >= 0) return index;
  }
  throw new Error(
    `--baseline ${JSON.stringify(name)} matches no run; the runs are: ${
      arms.map((arm) => arm.label).join(", ") || "(none)"
    }`,
  );
}

function trim(path: string): string {
  return path.replace(/\/+$/, "").replace(/^\.\//, "");
}

function difference(value: number | null, base: number | null | undefined): number | null {
  return value === null || base === null || base === undefined ? null : value - base;
}
