/**
 * What a run prints and writes besides its metrics rows: the settings record, charts and the evaluation table.
 *
 * @module
 */
import type { MetricsRow, SettingValue } from "../run/mod.ts";
import { markdownTable, renderChart } from "../report/mod.ts";
import type { Experiment } from "./experiment.ts";
import { DEFAULT_BACKEND, type Settings } from "./settings.ts";

/**
 * Settings as recorded: snake_case, flat, JSON primitives, the optimizer's
 * hyper-parameters among them; per-arm differences as `<arm>.<key>`.
 *
 * @param experiment names the dataset.
 * @param perArm each arm's settings.
 */
export function recordSettings(
  experiment: Pick<Experiment, "dataset">,
  perArm: Map<string, Settings>,
): Record<string, SettingValue> {
  const flat = (s: Settings): Record<string, SettingValue> => ({
    seed: s.seed,
    epochs: s.epochs,
    lr: s.lr,
    batch_size: s.batchSize,
    optimizer: s.optimizer,
    train_limit: s.trainLimit,
    test_limit: s.testLimit,
    log_every: s.logEvery,
    order: s.order,
    backend: s.backend ?? DEFAULT_BACKEND,
    threads: s.threads ?? 1,
    ...s.hyper,
    ...Object.fromEntries(Object.entries(s.flags).map(([k, v]) => [`flag_${k}`, v])),
  });
  const entries = [...perArm.entries()];
  const base = flat(entries[0]![1]);
  const record: Record<string, SettingValue> = { dataset: experiment.dataset, ...base };
  if (entries.length > 1 || entries[0]![0] !== "") {
    record.arms = entries.map(([name]) => name).join(",");
    for (const [name, settings] of entries) {
      for (const [key, value] of Object.entries(flat(settings))) {
        if (value !== base[key]) record[`${name}.${key}`] = value;
      }
    }
  }
  return record;
}

/** A Markdown table of every evaluation row: arm, epoch, split, loss, accuracy, macro-F1. */
export function evaluationTable(rows: MetricsRow[]): string {
  const evaluations = rows.filter((r) => r.split !== "train");
  const multiArm = evaluations.some((r) => r.arm !== "");
  const header = [...(multiArm ? ["arm"] : []), "epoch", "split", "loss", "accuracy", "macro-F1"];
  return markdownTable({
    header,
    rows: evaluations.map((r) => [
      ...(multiArm ? [r.arm] : []),
      String(r.epoch),
      r.split,
      ...[r.loss, r.accuracy, r.macro_f1 ?? NaN].map((v) => v.toFixed(4)),
    ]),
  });
}

/** Loss and accuracy charts per arm: training intervals against evaluations, by samples seen. */
export function chartsOf(rows: MetricsRow[], options: { color: boolean }): string {
  const arms = [...new Set(rows.map((r) => r.arm))];
  const parts: string[] = [];
  for (const arm of arms) {
    const mine = rows.filter((r) => r.arm === arm);
    const splits = [...new Set(mine.map((r) => r.split))];
    for (const metric of ["loss", "accuracy"] as const) {
      const series = splits.map((split) => {
        const picked = mine.filter((r) => r.split === split);
        return {
          name: split === "train" ? "train (interval)" : split,
          values: picked.map((r) => r[metric]),
          x: picked.map((r) => r.samples_seen),
        };
      }).filter((s) => s.values.length > 0);
      if (series.length === 0) continue;
      parts.push(
        renderChart(series, {
          title: `${arm ? arm + ": " : ""}${metric} against samples seen`,
          color: options.color,
          xLabel: "samples seen",
        }),
      );
    }
  }
  return parts.join("\n\n");
}
