import type { ChartSeries } from "../report/mod.ts";
import type { MetricsRow } from "../run/mod.ts";
import type { Arm } from "./load.ts";

/** The numbers of a run compared in the table and summarised over seeds, in order, as tables head them. */
export const SUMMARY_TITLES = {
  "eval_loss": "eval loss",
  "eval_accuracy": "eval accuracy",
  "eval_macro_f1": "eval macro-F1",
  "train_loss": "train loss",
  "wall_seconds": "wall s",
  "samples_per_second": "samples/s",
} as const;

/** One of `SUMMARY_METRICS`. */
export type SummaryMetric = keyof typeof SUMMARY_TITLES;

/** The keys of `SUMMARY_TITLES`, in order. */
export const SUMMARY_METRICS = Object.keys(SUMMARY_TITLES) as SummaryMetric[];

/** A run's final numbers (null where unknown); `state` is how it ended, with notes (`truncated metrics`, ...). */
export interface ArmSummary extends Record<SummaryMetric, number | null> {
  /** `manifest` when taken from the manifest's final metrics. */
  evalSplit: "test" | "validation" | "manifest" | null;
  epochs: number | null;
  samplesSeen: number | null;
  state: string;
}

/**
 * Summarises a run: evaluation from the last `test` row, else the last `validation` row, else the manifest;
 * wall time from the manifest, else the last `elapsed_s`.
 */
export function summarizeArm(arm: Arm): ArmSummary {
  const last = (split: string) => arm.rows.findLast((row) => row.split === split);
  const evaluation = last("test") ?? last("validation");
  const train = last("train");
  const manifest = arm.manifest;
  const prefix = arm.name === "" ? "" : `${arm.name}/`;
  const final = manifest?.final_metrics?.[`${prefix}test`] ?? manifest?.final_metrics?.[`${prefix}validation`];
  const most = (column: "elapsed_s" | "epoch") =>
    arm.rows.length ? Math.max(...arm.rows.map((row) => row[column])) : null;
  return {
    evalSplit: (evaluation?.split as "test" | "validation" | undefined) ?? (final !== undefined ? "manifest" : null),
    "eval_loss": evaluation?.loss ?? final?.loss ?? null,
    "eval_accuracy": evaluation?.accuracy ?? final?.accuracy ?? null,
    "eval_macro_f1": evaluation?.macro_f1 ?? final?.macro_f1 ?? null,
    "train_loss": train?.loss ?? null,
    "wall_seconds": typeof manifest?.wall_seconds === "number" ? manifest.wall_seconds : most("elapsed_s"),
    "samples_per_second": train !== undefined && train.elapsed_s > 0 ? train.samples_seen / train.elapsed_s : null,
    epochs: most("epoch"),
    samplesSeen: train?.samples_seen ?? (arm.name === "" && manifest ? manifest.samples_seen : null),
    state: armState(arm),
  };
}

/** The manifest's status, with what the metrics themselves show. */
function armState(arm: Arm): string {
  const status = arm.manifest?.status;
  const notes = [status === undefined ? "unknown (no manifest)" : status === "running" ? "running or killed" : status];
  if (status !== "diverged" && arm.rows.some((row) => !Number.isFinite(row.loss))) {
    notes.push("diverged (non-finite loss)");
  }
  if (arm.truncatedLine !== null) notes.push("truncated metrics");
  if (arm.metricsPath === null) notes.push("no metrics");
  return notes.join(", ");
}

/** A metric curve to chart: a split (`eval`: whichever of validation and test has more rows) and a column. */
export interface ChartMetric {
  split: "eval" | "train" | "validation" | "test";
  column: "loss" | "accuracy" | "macro_f1";
}

/** Parses `[train_|validation_|test_|eval_](loss|accuracy|macro_f1)`; throws naming `--metric` for another. */
export function parseChartMetric(name: string): ChartMetric {
  const match = /^(?:(train|validation|test|eval)_)?(loss|accuracy|macro_f1)$/.exec(name);
  if (match === null || (match[1] === "train" && match[2] === "macro_f1")) {
    throw new Error(
      `--metric ${JSON.stringify(name)} is not a metric; the metrics are loss, accuracy and macro_f1, alone ` +
        `(the evaluation split's) or after train_, validation_, test_ or eval_ (training rows have no macro_f1)`,
    );
  }
  return { split: (match[1] ?? "eval") as ChartMetric["split"], column: match[2] as ChartMetric["column"] };
}

/** The split a run's curve of `metric` is drawn from; for `eval` the busier evaluation split (test on a tie). */
export function chartSplit(arm: Arm, metric: ChartMetric): MetricsRow["split"] {
  if (metric.split !== "eval") return metric.split;
  const count = (s: string) => arm.rows.filter((row) => row.split === s).length;
  return count("validation") > count("test") ? "validation" : "test";
}

/** A chart metric's name, e.g. `validation accuracy`; `eval` is named by `splits` when they are one, else `evaluation`. */
export function chartMetricTitle(metric: ChartMetric, splits: readonly string[] = []): string {
  const split = metric.split !== "eval" ? metric.split : splits.length === 1 ? splits[0] : "evaluation";
  return `${split} ${metric.column === "macro_f1" ? "macro-F1" : metric.column}`;
}

/** A run's curve of `metric` against epoch (fractional within one, by step) or samples seen. */
export function metricSeries(arm: Arm, metric: ChartMetric, x: "epoch" | "samples"): ChartSeries {
  const split = chartSplit(arm, metric);
  const stepsPerEpoch = Math.max(0, ...arm.rows.map((row) => row.step));
  const rows = arm.rows.filter((row) => row.split === split && row[metric.column] !== null);
  return {
    name: arm.label,
    values: rows.map((row) => row[metric.column] as number),
    x: rows.map((row) => xOf(row, x, stepsPerEpoch)),
  };
}

function xOf(row: MetricsRow, x: "epoch" | "samples", stepsPerEpoch: number): number {
  if (x === "samples") return row.samples_seen;
  return stepsPerEpoch > 0 ? row.epoch - 1 + row.step / stepsPerEpoch : row.epoch;
}
