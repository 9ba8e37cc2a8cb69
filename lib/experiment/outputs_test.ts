import assert from "node:assert/strict";
import type { MetricsRow } from "../run/mod.ts";
import { tinyArmsExperiment as experiment } from "../testing/tiny_experiment.ts";
import { chartsOf, evaluationTable, recordSettings } from "./outputs.ts";

const row = (split: MetricsRow["split"], arm: string, epoch: number, accuracy: number): MetricsRow => ({
  arm,
  split,
  epoch,
  step: 10,
  "samples_seen": epoch * 10,
  loss: 1 - accuracy,
  accuracy,
  "macro_f1": split === "train" ? null : accuracy - 0.01,
  "elapsed_s": epoch,
});

Deno.test("recordSettings() flattens settings and records per-arm differences", () => {
  const base = experiment.defaults;
  const record = recordSettings(experiment, new Map([["trained", base], ["fast", { ...base, lr: 0.01 }]]));
  assert.equal(record.dataset, "fashion-mnist");
  assert.equal(record.lr, 0.005);
  assert.equal(record.batch_size, 1);
  assert.equal(record.arms, "trained,fast");
  assert.equal(record["fast.lr"], 0.01);
  assert.equal(record["trained.lr"], undefined, "only differences are recorded per arm");
});

Deno.test("evaluationTable() lists every evaluation row, with arms when there are several", () => {
  const rows = [row("train", "a", 1, 0.5), row("validation", "a", 1, 0.6), row("validation", "b", 1, 0.7)];
  const table = evaluationTable(rows).split("\n");
  assert.equal(table[0], "| arm | epoch | split | loss | accuracy | macro-F1 |");
  assert.equal(table.length, 4);
  assert.equal(table[3], "| b | 1 | validation | 0.3000 | 0.7000 | 0.6900 |");
});

Deno.test("chartsOf() draws loss and accuracy per arm in plain text", () => {
  const rows = [row("train", "", 1, 0.5), row("test", "", 1, 0.6), row("train", "", 2, 0.7), row("test", "", 2, 0.8)];
  const charts = chartsOf(rows, { color: false });
  assert.match(charts, /loss against samples seen/);
  assert.match(charts, /accuracy against samples seen/);
  assert.match(charts, /train \(interval\)/);
  assert.ok(!charts.includes("\x1b["), "no escape codes in plain mode");
});
