/**
 * A comparison as text or Markdown.
 *
 * Both show the same sections: final metrics with differences from the
 * baseline, the settings that differ, reproducibility verdicts, groups over
 * seeds, the chart, and warnings. (`renderCsv` in `render_csv.ts` writes CSV.)
 *
 * @module
 */
import type { Comparison } from "./comparison.ts";
import { chartSection, groupsHeading, groupsTable, runsTable, settingsSection, verdictLines } from "./_sections.ts";
import { escapeMarkdown, markdownTable, textTable } from "../report/mod.ts";

/** Options of `renderText`. */
export interface TextOptions {
  /** Colour the chart (for a terminal); default false. */
  color?: boolean;
  /** The chart's height in rows; default 10. */
  chartHeight?: number;
}

/**
 * The comparison as plain text: aligned tables and an ASCII chart.
 *
 * @param comparison what `buildComparison` returned.
 * @param options chart colour and height.
 */
export function renderText(comparison: Comparison, options: TextOptions = {}): string {
  const sections: string[] = [];
  const baseline = comparison.arms[comparison.baseline]?.label;
  sections.push(
    [
      `Final metrics of ${comparison.arms.length} run(s)` +
      (baseline !== undefined ? `; differences from the baseline, ${baseline}` : ""),
      textTable(runsTable(comparison)),
    ].join("\n"),
  );
  sections.push(["Settings that differ", settingsSection(comparison, textTable)].join("\n"));
  sections.push(
    [
      "Reproducibility (same experiment, settings and seed; timing excluded)",
      ...verdictLines(comparison, ""),
    ].join("\n"),
  );
  if (comparison.showGroups) {
    sections.push([groupsHeading(comparison), textTable(groupsTable(comparison))].join("\n"));
  }
  sections.push(chartSection(comparison, options.color ?? false, options.chartHeight));
  if (comparison.warnings.length > 0) {
    sections.push(["Warnings", ...comparison.warnings.map((w) => `- ${w}`)].join("\n"));
  }
  return sections.join("\n\n") + "\n";
}

/**
 * The comparison as Markdown: pipe tables, a bulleted verdict list, the chart in a fenced block.
 *
 * @param comparison what `buildComparison` returned.
 * @param options the chart's height.
 */
export function renderMarkdown(comparison: Comparison, options: { chartHeight?: number } = {}): string {
  const baseline = comparison.arms[comparison.baseline]?.label;
  const parts = [
    `## Final metrics`,
    baseline !== undefined ? `Differences are from the baseline, \`${baseline}\`.` : "No runs.",
    markdownTable(runsTable(comparison)),
    `## Settings that differ`,
    settingsSection(comparison, markdownTable),
    `## Reproducibility`,
    verdictLines(comparison, "- ").join("\n"),
  ];
  if (comparison.showGroups) {
    parts.push(`## ${groupsHeading(comparison)}`, markdownTable(groupsTable(comparison)));
  }
  parts.push(
    `## Chart`,
    "```text\n" + chartSection(comparison, false, options.chartHeight) +
      "\n```",
  );
  if (comparison.warnings.length > 0) {
    parts.push(`## Warnings`, comparison.warnings.map((w) => `- ${escapeMarkdown(w)}`).join("\n"));
  }
  return parts.join("\n\n") + "\n";
}
