/**
 * A run report's curves: one chart per metric, training and evaluation
 * against the same x axis (training samples seen), with the write-up's own
 * figures as reference lines.
 *
 * @module
 */
import type { Manifest, ReportedResult } from "../../run/mod.ts";
import type { MetricsRow } from "../../run/mod.ts";
import { type MetricPoint, metricSpec, type ReferenceLine, thin } from "./specs.ts";
import type { VegaLiteSpec } from "./vega.ts";

/** A chart to render: its name (file name of its spec), spec, caption and the points it draws. */
export interface Chart {
  /** The `data-chart` name and `charts/<name>.vl.json`. */
  name: string;
  /** The Vega-Lite spec. */
  spec: VegaLiteSpec;
  /** The caption under it. */
  caption: string;
  /** Finite points drawn, when a curve. */
  points?: number;
}

type Metric = "loss" | "accuracy" | "macro_f1";

const METRICS: { metric: Metric; name: string; title: string; y: string }[] = [
  { metric: "loss", name: "loss", title: "Loss", y: "loss (mean cross-entropy, nats)" },
  { metric: "accuracy", name: "accuracy", title: "Accuracy", y: "accuracy (fraction correct)" },
  { metric: "macro_f1", name: "macro-f1", title: "Macro-F1", y: "macro-F1 (mean of per-class F1)" },
];

/** A single-arm run's splits in legend order, and their colours: training muted, evaluations strong. */
const SPLIT_ORDER = ["train", "validation", "test"];
const SPLIT_COLORS: Record<string, string> = { train: "#7f9bb8", validation: "#54a24b", test: "#f58518" };

/** What the curves show, said once above them. */
export const CURVES_LEGEND = "Training and evaluation against the same axis, the training samples seen: the thin " +
  "line is the training loss or accuracy, the mean over each logging interval; the markers are the evaluations " +
  "after each epoch.";

/** Three decimals: what every metric of the report shows. */
export const fixed3 = (v: number | null | undefined): string =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "-";

/**
 * One chart per metric recorded (loss, accuracy, macro-F1): each arm's training
 * intervals and evaluations against samples seen, and the manifest's `reported` figures as dashed lines.
 *
 * @param rows the run's metrics rows.
 * @param manifest its manifest (for `reported`).
 */
export function metricCharts(rows: MetricsRow[], manifest: Pick<Manifest, "reported">): Chart[] {
  const arms = [...new Set(rows.map((r) => r.arm))];
  const multiArm = arms.length > 1 || arms[0] !== undefined && arms[0] !== "";
  const seriesOf = (arm: string, split: string) => multiArm ? arm : split;
  return METRICS.flatMap(({ metric, name, title, y }): Chart[] => {
    const all = rows.map((r): MetricPoint => ({
      series: seriesOf(r.arm, r.split),
      split: r.split,
      x: r.samples_seen,
      y: r[metric] ?? NaN,
      description: `${r.arm ? `${r.arm}, ` : ""}${r.split}, ${r.samples_seen} samples: ${fixed3(r[metric])}`,
    }));
    if (!all.some((p) => Number.isFinite(p.y))) return [];
    const train = all.filter((p) => p.split === "train");
    const { points, every } = thin(train); // a training series per arm; evaluations are few
    const drawn = [...points, ...all.filter((p) => p.split !== "train")];
    const references = referenceLines(manifest.reported ?? [], { metric, rows, seriesOf });
    const finite = drawn.filter((p) => Number.isFinite(p.y));
    const series = [...new Set([...finite.map((p) => p.series), ...references.map((r) => r.series)])];
    const order = multiArm ? arms : SPLIT_ORDER;
    const domain = [...order.filter((s) => series.includes(s)), ...series.filter((s) => !order.includes(s))];
    const spec = metricSpec(drawn, {
      title,
      subtitle: every > 1
        ? `training downsampled for the chart: every ${every}th of ${train.length} rows (metrics.csv keeps all)`
        : undefined,
      y,
      shapes: multiArm,
      references,
      colors: multiArm ? { domain } : { domain, range: domain.map((s) => SPLIT_COLORS[s] ?? "#e45756") },
    });
    const caption = references.length ? `${title}; dashed: the figure the write-up reports.` : `${title}.`;
    return [{ name, spec, caption, points: finite.length }];
  });
}

/** The write-up's figures for `metric`, for the arms and splits this run recorded. */
function referenceLines(
  reported: ReportedResult[],
  context: { metric: Metric; rows: MetricsRow[]; seriesOf: (arm: string, split: string) => string },
): ReferenceLine[] {
  const { metric, rows, seriesOf } = context;
  return reported.flatMap((r): ReferenceLine[] => {
    const value = r[metric];
    const arm = r.arm ?? "";
    if (typeof value !== "number" || !rows.some((row) => row.split === r.split && (!r.arm || row.arm === arm))) {
      return [];
    }
    const what = r.note === "about"
      ? `write-up ≈ ${fixed3(value)}`
      : `write-up${r.note ? ` (${r.note})` : ""} ${fixed3(value)}`;
    return [{
      series: r.arm || !rows.some((row) => row.arm) ? seriesOf(arm, r.split) : "write-up",
      y: value,
      label: what,
    }];
  });
}
