/**
 * A comparison as one self-contained HTML page: the text output's tables and
 * verdicts, every run's curve of the chosen metric overlaid, and with
 * `--group-by` each group's mean with a band of ± one standard deviation.
 *
 * @module
 */
import {
  type CurvePoint,
  curveSpec,
  escapeHtml,
  figure,
  htmlTable,
  page,
  renderSvg,
  section,
  thin,
  type VegaLiteSpec,
} from "../report/html/mod.ts";
import type { ChartSeries } from "../report/mod.ts";
import { groupsHeading, groupsTable, runsTable, settingsSection, verdictLines } from "./_sections.ts";
import type { Comparison } from "./comparison.ts";
import { chartMetricTitle, metricSeries } from "./summary.ts";

/**
 * Renders the comparison as HTML.
 *
 * @param comparison what `buildComparison` returned.
 * @param options `specDir`: the folder, relative to the page, its charts' specs are linked in.
 * @returns the page and each chart's Vega-Lite spec by name.
 */
export async function renderHtml(
  comparison: Comparison,
  options: { specDir?: string } = {},
): Promise<{ html: string; specs: Map<string, VegaLiteSpec> }> {
  const baseline = comparison.arms[comparison.baseline]?.label ?? "";
  const table = (t: { header: string[]; rows: string[][] }) => htmlTable(t.header, t.rows);
  const charts = curveCharts(comparison);
  const figures = await Promise.all(charts.map(async (c) => {
    const spec = options.specDir ? `${options.specDir}/${c.name}.vl.json` : undefined;
    return figure(c.name, { svg: await renderSvg(c.spec, { idPrefix: c.name }), caption: c.caption, spec })
      .replace("<figure ", `<figure data-points="${c.points}" `);
  }));
  const parts = [
    `<h1>Comparison of ${comparison.arms.length} run(s)</h1>`,
    section(
      "final",
      "Final metrics",
      `<p>Differences in brackets are from the baseline, ${escapeHtml(baseline)}.</p>` + table(runsTable(comparison)),
    ),
    section("settings", "Settings that differ", `<div>${settingsSection(comparison, table)}</div>`),
    section(
      "verdicts",
      "Reproducibility",
      `<ul>${verdictLines(comparison, "").map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`,
    ),
    comparison.showGroups
      ? section("groups", "Groups", `<p>${escapeHtml(groupsHeading(comparison))}</p>` + table(groupsTable(comparison)))
      : "",
    section("curves", "Curves", figures.join("\n") || "<p>No run has such rows.</p>"),
    comparison.warnings.length
      ? section(
        "warnings",
        "Warnings",
        `<ul>${comparison.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`,
      )
      : "",
  ];
  return { html: page("Comparison", parts.join("\n")), specs: new Map(charts.map((c) => [c.name, c.spec])) };
}

/** Every run's curve; with `--group-by` also the group means with their ± one standard deviation band. */
function curveCharts(comparison: Comparison) {
  const { metric, x, splits, groupMeans } = comparison.chart;
  const xTitle = x === "epoch" ? "epoch" : "samples seen (images)";
  const what = chartMetricTitle(metric, splits);
  const make = (name: string, series: ChartSeries[], title: string) => {
    const all = series.flatMap((s) =>
      s.values.map((y, i): CurvePoint => ({ series: s.name, x: s.x?.[i] ?? i, y, band: s.band?.[i] }))
    );
    const { points, every } = thin(all);
    const subtitle = every > 1 ? `downsampled for the chart: every ${every}th point (the CSVs keep all)` : undefined;
    const spec = curveSpec(points, { title, subtitle, x: xTitle, y: what, xDiscrete: x === "epoch" });
    return { name, spec, caption: `${what} by ${xTitle}`, points: points.filter((p) => Number.isFinite(p.y)).length };
  };
  const runs = comparison.arms.map((arm) => metricSeries(arm, metric, x)).filter((s) => s.values.length > 0);
  const charts = runs.length ? [make("runs", runs, `${what}: every run`)] : [];
  if (groupMeans && comparison.chart.series.length) {
    charts.push(make("groups", comparison.chart.series, `${what}: group means ± one sample standard deviation`));
  }
  return charts;
}
