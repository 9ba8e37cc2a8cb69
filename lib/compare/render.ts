// A comparison as text, Markdown, CSV or an HTML page: the same tables and sentences in each.
import { stringify } from "csv-stringify/sync";
import {
  type Chart,
  type CurvePoint,
  curveSpec,
  escapeHtml,
  figures,
  htmlList,
  htmlTable,
  page,
  section,
  thin,
  type VegaLiteSpec,
} from "../report/html/mod.ts";
import {
  CHART_MAX_SERIES,
  type ChartSeries,
  escapeMarkdown,
  markdownTable,
  renderChart,
  type Table,
  textTable,
} from "../report/mod.ts";
import type { SettingValue } from "../run/mod.ts";
import type { Comparison } from "./comparison.ts";
import { chartMetricTitle, SUMMARY_METRICS, SUMMARY_TITLES, type SummaryMetric } from "./summary.ts";

/** A metric's value with the precision its kind needs. */
export function formatValue(value: number | null, metric: SummaryMetric): string {
  if (value === null) return "-";
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(decimalsOf(metric));
}

/** A signed difference; one too small for the usual precision in exponent form. */
export function formatDelta(delta: number, metric: SummaryMetric): string {
  if (!Number.isFinite(delta)) return String(delta);
  if (delta === 0) return "±0";
  const fixed = Math.abs(delta).toFixed(decimalsOf(metric));
  return `${delta > 0 ? "+" : "-"}${Number(fixed) === 0 ? Math.abs(delta).toExponential(1) : fixed}`;
}

function decimalsOf(metric: SummaryMetric): number {
  return metric === "wall_seconds" || metric === "samples_per_second" ? 1 : 4;
}

/** A setting's value: strings bare, others as JSON, `-` when absent. */
export function formatSetting(value: SettingValue | undefined): string {
  return value === undefined ? "-" : typeof value === "string" ? value : JSON.stringify(value);
}

/** The final-metrics table: one row per run, differences from the baseline in brackets. */
function runsTable(comparison: Comparison): Table {
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
function settingsSection(comparison: Comparison, render: (table: Table) => string): string {
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

/** One sentence per reproducibility verdict: `a vs b: identical (n rows)` or where they part. */
function verdictLines(comparison: Comparison): string[] {
  if (comparison.verdicts.length === 0) return ["No two runs share experiment, settings and seed."];
  return comparison.verdicts.map((verdict) => {
    const a = comparison.arms[verdict.a];
    const b = comparison.arms[verdict.b];
    const pair = `${a.label} vs ${b.label}`;
    if (verdict.problem !== null) return `${pair}: ${verdict.problem}`;
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
  });
}

const STATS = ["n", "mean", "std", "min", "max"];

/** The groups section's heading, naming what was grouped by and which runs count. */
function groupsHeading(comparison: Comparison): string {
  const by = comparison.groupBy === null ? "every setting but seed" : comparison.groupBy.join(", ");
  const runs = comparison.includeIncomplete ? "runs" : "completed runs; --include-incomplete counts the others";
  return `Groups (by ${by}; mean, sample standard deviation, minimum and maximum over each group's ${runs})`;
}

/** One row per group and metric with n, mean, std, min and max; the runs counted and left out. */
function groupsTable(comparison: Comparison): Table {
  const header = ["group", "runs", "left out", "metric", ...STATS];
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
function chartSection(comparison: Comparison, color: boolean, height?: number): string {
  const { metric, x, series, missing, splits } = comparison.chart;
  const xLabel = x === "epoch" ? "epoch" : "samples seen";
  const means = comparison.groupBy !== null ? ", group means (--html draws ± one sample standard deviation)" : "";
  const title = `${chartMetricTitle(metric, splits)} by ${xLabel}${means}`;
  const chart = series.length === 0
    ? `${title}: no run has such rows`
    : series.length > CHART_MAX_SERIES
    ? `${title}: ${series.length} runs are more than one chart tells apart (${CHART_MAX_SERIES}); chart group means with --group-by`
    : renderChart(series, { title, xLabel, color, height: height ?? 10 });
  return missing.length > 0 && series.length > 0 ? `${chart}\n(no such rows: ${missing.join(", ")})` : chart;
}

/** The comparison as plain text: aligned tables and an ASCII chart (coloured with `color`). */
export function renderText(comparison: Comparison, options: { color?: boolean; chartHeight?: number } = {}): string {
  const baseline = comparison.arms[comparison.baseline]?.label;
  const sections = [
    `Final metrics of ${comparison.arms.length} run(s)` +
    (baseline !== undefined ? `; differences from the baseline, ${baseline}` : "") + "\n" +
    textTable(runsTable(comparison)),
    `Settings that differ\n${settingsSection(comparison, textTable)}`,
    ["Reproducibility (same experiment, settings and seed; timing excluded)", ...verdictLines(comparison)].join("\n"),
  ];
  if (comparison.showGroups) sections.push(`${groupsHeading(comparison)}\n${textTable(groupsTable(comparison))}`);
  sections.push(chartSection(comparison, options.color ?? false, options.chartHeight));
  if (comparison.warnings.length > 0) {
    sections.push(["Warnings", ...comparison.warnings.map((w) => `- ${w}`)].join("\n"));
  }
  return sections.join("\n\n") + "\n";
}

/** The comparison as Markdown: pipe tables, a bulleted verdict list, the chart in a fenced block. */
export function renderMarkdown(comparison: Comparison, options: { chartHeight?: number } = {}): string {
  const baseline = comparison.arms[comparison.baseline]?.label;
  const parts = [
    `## Final metrics`,
    baseline !== undefined ? `Differences are from the baseline, \`${baseline}\`.` : "No runs.",
    markdownTable(runsTable(comparison)),
    `## Settings that differ`,
    settingsSection(comparison, markdownTable),
    `## Reproducibility`,
    verdictLines(comparison).map((line) => `- ${line}`).join("\n"),
  ];
  if (comparison.showGroups) parts.push(`## ${groupsHeading(comparison)}`, markdownTable(groupsTable(comparison)));
  parts.push(`## Chart`, "```text\n" + chartSection(comparison, false, options.chartHeight) + "\n```");
  if (comparison.warnings.length > 0) {
    parts.push(`## Warnings`, comparison.warnings.map((w) => `- ${escapeMarkdown(w)}`).join("\n"));
  }
  return parts.join("\n\n") + "\n";
}

/**
 * The comparison as CSV, numbers at full precision: one row per run (final metrics, differences from the
 * baseline, the settings that differ), or with `groups` one row per group and metric.
 */
export function renderCsv(comparison: Comparison, options: { groups?: boolean } = {}): string {
  const number = (value: number | null) => value === null ? "" : String(value);
  const setting = (value: SettingValue | undefined) => value === undefined || value === null ? "" : String(value);
  const labels = (indices: number[]) => indices.map((i) => comparison.arms[i].label).join(" ");
  if (options.groups) {
    const keys = Object.keys(comparison.groups[0]?.values ?? {});
    const header = ["group", "experiment", "arm", ...keys, "runs", "left_out", "metric", ...STATS];
    const rows = comparison.groups.flatMap((group) => {
      const first = comparison.arms[group.members[0]];
      return SUMMARY_METRICS.map((metric) => {
        const s = group.stats[metric];
        return [
          group.label,
          first.experiment ?? "",
          first.name,
          ...keys.map((k) => setting(group.values[k])),
          labels(group.members),
          labels(group.leftOut),
          metric,
          String(s.n),
          ...[s.mean, s.std, s.min, s.max].map(number),
        ];
      });
    });
    return stringify([header, ...rows], { record_delimiter: "unix" });
  }
  const about = ["run", "experiment", "arm", "status", "baseline", "eval_split", "epochs", "samples_seen"];
  const header = [
    ...about,
    ...SUMMARY_METRICS.flatMap((m) => [m, `${m}_delta`]),
    ...comparison.settings.map((d) => `setting:${d.key}`),
    "source",
  ];
  const rows = comparison.arms.map((arm, i) => {
    const summary = comparison.summaries[i];
    return [
      arm.label,
      arm.experiment ?? "",
      arm.name,
      summary.state,
      i === comparison.baseline ? "true" : "false",
      summary.evalSplit ?? "",
      number(summary.epochs),
      number(summary.samplesSeen),
      ...SUMMARY_METRICS.flatMap((m) => [number(summary[m]), number(comparison.deltas[i][m])]),
      ...comparison.settings.map((d) => (arm.settings === null ? "" : setting(d.values[i]))),
      arm.dir ?? arm.metricsPath ?? "",
    ];
  });
  return stringify([header, ...rows], { record_delimiter: "unix" });
}

/**
 * The comparison as one self-contained HTML page: the text's tables and verdicts, every run's curve, and with
 * `--group-by` each group's mean ± one standard deviation; `specDir` is where the page links the charts' specs.
 */
export async function renderHtml(
  comparison: Comparison,
  options: { specDir?: string } = {},
): Promise<{ html: string; specs: Map<string, VegaLiteSpec> }> {
  const baseline = comparison.arms[comparison.baseline]?.label ?? "";
  const table = (t: Table) => htmlTable(t.header, t.rows);
  const charts = curveCharts(comparison);
  const parts = [
    `<h1>Comparison of ${comparison.arms.length} run(s)</h1>`,
    section(
      "final",
      "Final metrics",
      `<p>Differences in brackets are from the baseline, ${escapeHtml(baseline)}.</p>` + table(runsTable(comparison)),
    ),
    section("settings", "Settings that differ", `<div>${settingsSection(comparison, table)}</div>`),
    section("verdicts", "Reproducibility", htmlList(verdictLines(comparison))),
    comparison.showGroups
      ? section("groups", "Groups", `<p>${escapeHtml(groupsHeading(comparison))}</p>` + table(groupsTable(comparison)))
      : "",
    section("curves", "Curves", await figures(charts, { specDir: options.specDir }) || "<p>No run has such rows.</p>"),
    comparison.warnings.length ? section("warnings", "Warnings", htmlList(comparison.warnings)) : "",
  ];
  return { html: page("Comparison", parts.join("\n")), specs: new Map(charts.map((c) => [c.name, c.spec])) };
}

/** Every run's curve; with `--group-by` also the group means with their ± one standard deviation band. */
function curveCharts(comparison: Comparison): Chart[] {
  const { metric, x, splits, runs, series } = comparison.chart;
  const xTitle = x === "epoch" ? "epoch" : "samples seen (images)";
  const what = chartMetricTitle(metric, splits);
  const make = (name: string, series: ChartSeries[], title: string): Chart => {
    const all = series.flatMap((s) =>
      s.values.map((y, i): CurvePoint => ({ series: s.name, x: s.x?.[i] ?? i, y, band: s.band?.[i] }))
    );
    const { points, every } = thin(all);
    const subtitle = every > 1 ? `downsampled for the chart: every ${every}th point (the CSVs keep all)` : undefined;
    const spec = curveSpec(points, { title, subtitle, x: xTitle, y: what, xDiscrete: x === "epoch" });
    return { name, spec, caption: `${what} by ${xTitle}`, points: points.filter((p) => Number.isFinite(p.y)).length };
  };
  const charts = runs.length ? [make("runs", runs, `${what}: every run`)] : [];
  if (comparison.groupBy !== null && series.length) {
    charts.push(make("groups", series, `${what}: group means ± one sample standard deviation`));
  }
  return charts;
}
