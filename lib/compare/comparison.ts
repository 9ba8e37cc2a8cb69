// Everything a comparison shows, computed once from the loaded runs; the renderers only format it.
import type { ChartSeries } from "../report/mod.ts";
import { describe, diffSettings, groupArms } from "./group.ts";
import type { Arm, loadRuns } from "./load.ts";
import {
  chartSplit,
  metricSeries,
  parseChartMetric,
  summarizeArm,
  SUMMARY_METRICS,
  type SummaryMetric,
} from "./summary.ts";
import { reproducibilityVerdicts } from "./verdict.ts";

/** The compare command's flags, parsed: default baseline the first run, metric `accuracy`, x `epoch`. */
export interface ComparisonOptions {
  /** A label, run id or path. */
  baseline?: string;
  metric?: string;
  x?: "epoch" | "samples";
  groupBy?: string[];
  ignore?: string[];
  includeIncomplete?: boolean;
}

/** A comparison, ready to render. */
export type Comparison = ReturnType<typeof buildComparison>;

/** Computes the comparison; throws naming the flag when the baseline matches no run or the metric or axis is bad. */
export function buildComparison(loaded: Awaited<ReturnType<typeof loadRuns>>, options: ComparisonOptions = {}) {
  const arms = loaded.arms;
  const metric = parseChartMetric(options.metric ?? "accuracy");
  const x = options.x ?? "epoch";
  if (x !== "epoch" && x !== "samples") {
    throw new Error(`--x must be epoch or samples, got ${JSON.stringify(x)}`);
  }
  const baseline = options.baseline === undefined ? 0 : findArm(arms, options.baseline);
  const summaries = arms.map(summarizeArm);
  const difference = (value: number | null, base: number | null = null) =>
    value === null || base === null ? null : value - base;
  const deltas = summaries.map((summary) =>
    Object.fromEntries(SUMMARY_METRICS.map((m) => [m, difference(summary[m], summaries[baseline]?.[m])]))
  ) as Record<SummaryMetric, number | null>[]; // each run's numbers minus the baseline's
  const groups = groupArms(arms, summaries, options);
  const allSeries = arms.map((arm) => metricSeries(arm, metric, x));
  const runs = allSeries.filter((s) => s.values.length > 0);
  const splits = arms.filter((_, i) => allSeries[i].values.length > 0).map((arm) => chartSplit(arm, metric));
  return {
    arms,
    summaries,
    baseline,
    deltas,
    settings: diffSettings(arms, { ignore: options.ignore }),
    verdicts: reproducibilityVerdicts(arms, { ignore: options.ignore }),
    groups,
    groupBy: options.groupBy ?? null, // null: every setting but the seed
    includeIncomplete: options.includeIncomplete ?? false,
    showGroups: options.groupBy !== undefined || groups.some((g) => g.members.length > 1),
    // Charted: with `groupBy` each group's mean ± one sample standard deviation, else every run's curve.
    chart: {
      metric,
      x,
      splits: [...new Set(splits)],
      runs,
      series: options.groupBy === undefined
        ? runs
        : groups.map((g) => meanSeries(g.label, g.members.map((i) => allSeries[i]))).filter((s) => s.values.length > 0),
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

/** The index of the arm named `name` by label, else run id, else path; throws naming `--baseline` for none. */
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
