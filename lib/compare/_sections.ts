/**
 * The pieces every output format shares: the tables and sentences of a
 * comparison, as strings.
 *
 * @module
 */
import { CHART_MAX_SERIES, renderChart, type Table } from "../report/mod.ts";
import type { Comparison } from "./comparison.ts";
import { formatDelta, formatSetting, formatValue } from "./format.ts";
import { chartMetricTitle, SUMMARY_METRICS, SUMMARY_TITLES } from "./summary.ts";
import type { Verdict } from "./verdict.ts";

/** The final-metrics table: one row per run, differences from the baseline in brackets. */
export function runsTable(comparison: Comparison): Table {
  const header = ["run", "status", "eval on", "epochs", ...SUMMARY_METRICS.map((m) => SUMMARY_TITLES[m])];
  const rows = comparison.arms.map((arm, i) => {
    const summary = comparison.summaries[i];
    const isBaseline = i === comparison.baseline;
    return [
      isBaseline ? `${arm.label} (baseline)` : arm.label,
      summary.state,
      summary.evalSplit ?? "-",
      summary.epochs === null ? "-" : String(summary.epochs),
      ...SUMMARY_METRICS.map((m) => {
        const value = formatValue(summary[m], m);
        const delta = comparison.deltas[i][m];
        return isBaseline || delta === null || !Number.isFinite(delta) ? value : `${value} (${formatDelta(delta, m)})`;
      }),
    ];
  });
  return { header, rows };
}

/** The settings that differ, one column per run (`?` for a run without manifest), via `render`. */
export function settingsSection(comparison: Comparison, render: (table: Table) => string): string {
  if (comparison.settings.length === 0) {
    return comparison.arms.some((arm) => arm.settings === null)
      ? "None among the runs with a manifest."
      : "None: every run has the same settings.";
  }
  const header = ["setting", ...comparison.arms.map((arm) => arm.label)];
  const rows = comparison.settings.map((d) => [
    d.key,
    ...d.values.map((value, i) => (comparison.arms[i].settings === null ? "?" : formatSetting(value))),
  ]);
  return render({ header, rows });
}

/** One line per reproducibility verdict, each starting with `bullet`. */
export function verdictLines(comparison: Comparison, bullet: string): string[] {
  if (comparison.verdicts.length === 0) {
    return [`${bullet}No two runs share experiment, settings and seed.`];
  }
  return comparison.verdicts.map((v) => `${bullet}${describeVerdict(comparison, v)}`);
}

/** One verdict as a sentence: `a vs b: identical (n rows)` or where they part. */
export function describeVerdict(comparison: Comparison, verdict: Verdict): string {
  const a = comparison.arms[verdict.a];
  const b = comparison.arms[verdict.b];
  const pair = `${a.label} vs ${b.label}`;
  if (verdict.problem !== null) {
    return `${pair}: ${verdict.problem}`;
  }
  if (verdict.identical) {
    const cut = [a, b].filter((arm) => arm.truncatedLine !== null).map((arm) =>
      `${arm.label}'s truncated line ${arm.truncatedLine} left out`
    );
    return `${pair}: identical (${a.raw.length} rows${cut.length > 0 ? `; ${cut.join(", ")}` : ""})`;
  }
  const d = verdict.difference!;
  const lines = `line ${d.lineA ?? "-"} of ${a.label}, line ${d.lineB ?? "-"} of ${b.label}`;
  if (d.column === "(row)") {
    const short = d.lineA === null ? a : b;
    return `${pair}: differ at row ${d.row} (${d.where}; ${lines}): ${short.label} has no such row, it ends after ${short.raw.length} rows`;
  }
  return `${pair}: differ at row ${d.row} (${d.where}; ${lines}), column ${d.column}: ${d.valueA} vs ${d.valueB}`;
}

/** The groups section's heading, naming what was grouped by and which runs count. */
export function groupsHeading(comparison: Comparison): string {
  const by = comparison.groupBy === null ? "every setting but seed" : comparison.groupBy.join(", ");
  const runs = comparison.includeIncomplete ? "runs" : "completed runs; --include-incomplete counts the others";
  return `Groups (by ${by}; mean, sample standard deviation, minimum and maximum over each group's ${runs})`;
}

/** The groups table: one row per group and metric with n, mean, std, min and max; the runs counted and left out. */
export function groupsTable(comparison: Comparison): Table {
  const header = ["group", "runs", "left out", "metric", "n", "mean", "std", "min", "max"];
  const labels = (indices: number[]) => indices.map((i) => comparison.arms[i].label).join(" ");
  const rows = comparison.groups.flatMap((group) =>
    SUMMARY_METRICS.map((metric, k) => {
      const s = group.stats[metric];
      return [
        k === 0 ? group.label : "",
        k === 0 ? labels(group.members) : "",
        k === 0 && group.leftOut.length > 0 ? `${group.leftOut.length}: ${labels(group.leftOut)}` : "",
        SUMMARY_TITLES[metric],
        String(s.n),
        ...[s.mean, s.std, s.min, s.max].map((v) => formatValue(v, metric)),
      ];
    })
  );
  return { header, rows };
}

/** The chart of the chosen metric, with a note naming runs that have no such rows. */
export function chartSection(comparison: Comparison, color: boolean, height?: number): string {
  const { metric, x, series, missing, splits } = comparison.chart;
  const xLabel = x === "epoch" ? "epoch" : "samples seen";
  const means = comparison.chart.groupMeans ? ", group means (--html draws ± one sample standard deviation)" : "";
  const title = `${chartMetricTitle(metric, splits)} by ${xLabel}${means}`;
  const chart = series.length === 0
    ? `${title}: no run has such rows`
    : series.length > CHART_MAX_SERIES
    ? `${title}: ${series.length} runs are more than one chart tells apart (${CHART_MAX_SERIES}); chart group means with --group-by`
    : renderChart(series, { title, xLabel, color, height: height ?? 10 });
  return missing.length > 0 && series.length > 0 ? `${chart}\n(no such rows: ${missing.join(", ")})` : chart;
}
