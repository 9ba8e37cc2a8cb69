import assert from "node:assert/strict";
import type { MetricsRow } from "../run/mod.ts";
import { BASE_SETTINGS, fakeRows } from "../testing/fake_runs.ts";
import type { Arm } from "./load.ts";
import { chartMetricTitle, metricSeries, parseChartMetric, summarizeArm } from "./summary.ts";

function armOf(rows: MetricsRow[], extra: Partial<Arm> = {}): Arm {
  return {
    label: "r",
    runId: "r",
    dir: null,
    metricsPath: "r/metrics.csv",
    manifestPath: null,
    manifest: null,
    experiment: null,
    name: "",
    data: null,
    settings: null,
    rows,
    raw: [],
    lines: [],
    truncatedLine: null,
    ...extra,
  };
}

const rows = fakeRows(BASE_SETTINGS, "", { testAccuracy: 0.75 });

Deno.test("summarizeRun takes the last test row for evaluation and the last train row for training", () => {
  const summary = summarizeArm(armOf(rows));
  assert.equal(summary.evalSplit, "test");
  assert.equal(summary.eval_accuracy, 0.75);
  assert.equal(summary.eval_macro_f1, 0.74);
  const lastTrain = rows.findLast((row) => row.split === "train")!;
  assert.equal(summary.train_loss, lastTrain.loss);
  // 640 samples at 5.5 s; no manifest, so wall time is the last elapsed_s.
  assert.equal(summary.samples_per_second, 640 / 5.5);
  assert.equal(summary.wall_seconds, 6.75);
  assert.equal(summary.epochs, 2);
  assert.equal(summary.state, "unknown (no manifest)");
});

Deno.test("summarizeRun falls back to the last validation row when there is no test row", () => {
  const summary = summarizeArm(
    armOf(rows.filter((row) => row.split !== "test")),
  );
  assert.equal(summary.evalSplit, "validation");
  assert.equal(
    summary.eval_accuracy,
    rows.findLast((row) => row.split === "validation")!.accuracy,
  );
});

Deno.test("summarizeRun marks non-finite losses and truncated metrics", () => {
  const diverged = rows.map((
    row,
    i,
  ) => (i === 3 ? { ...row, loss: NaN } : row));
  const summary = summarizeArm(armOf(diverged, { truncatedLine: 9 }));
  assert.equal(
    summary.state,
    "unknown (no manifest), diverged (non-finite loss), truncated metrics",
  );
});

Deno.test("parseChartMetric reads prefixes and names the flag on a bad value", () => {
  assert.deepEqual(parseChartMetric("accuracy"), {
    split: "eval",
    column: "accuracy",
  });
  assert.deepEqual(parseChartMetric("train_loss"), {
    split: "train",
    column: "loss",
  });
  assert.equal(
    chartMetricTitle(parseChartMetric("validation_macro_f1")),
    "validation macro-F1",
  );
  assert.throws(
    () => parseChartMetric("acc"),
    /--metric "acc" is not a metric; the metrics are loss, accuracy and macro_f1/,
  );
  assert.throws(
    () => parseChartMetric("train_macro_f1"),
    /training rows have no macro_f1/,
  );
});

Deno.test("metricSeries places train rows at fractional epochs and evaluation on the busier split", () => {
  const train = metricSeries(
    armOf(rows),
    parseChartMetric("train_loss"),
    "epoch",
  );
  assert.deepEqual(train.x, [0.5, 1, 1.5, 2]);
  const evaluation = metricSeries(
    armOf(rows),
    parseChartMetric("accuracy"),
    "samples",
  );
  assert.deepEqual(evaluation.x, [320, 640]);
  assert.deepEqual(
    evaluation.values,
    rows.filter((row) => row.split === "validation").map((row) => row.accuracy),
  );
});
