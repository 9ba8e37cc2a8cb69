/**
 * A comparison as CSV, for a spreadsheet: one row per run, or one row per
 * group and metric.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import type { SettingValue } from "../run/mod.ts";
import type { Comparison } from "./comparison.ts";
import { SUMMARY_METRICS } from "./summary.ts";

/**
 * The comparison as CSV: one row per run (final metrics, differences from
 * the baseline, the settings that differ), or with `groups` one row per group
 * and metric (n, mean, standard deviation, minimum, maximum). Numbers at full precision.
 *
 * @param comparison what `buildComparison` returned.
 * @param options `groups: true` for the group table.
 */
export function renderCsv(comparison: Comparison, options: { groups?: boolean } = {}): string {
  if (options.groups) {
    const keys = Object.keys(comparison.groups[0]?.values ?? {});
    const header = [
      "group",
      "experiment",
      "arm",
      ...keys,
      "runs",
      "left_out",
      "metric",
      "n",
      "mean",
      "std",
      "min",
      "max",
    ];
    const rows = comparison.groups.flatMap((group) => {
      const first = comparison.arms[group.members[0]];
      return SUMMARY_METRICS.map((metric) => {
        const s = group.stats[metric];
        return [
          group.label,
          first.experiment ?? "",
          first.name,
          ...keys.map((k) => csvSetting(group.values[k])),
          group.members.map((i) => comparison.arms[i].label).join(" "),
          group.leftOut.map((i) => comparison.arms[i].label).join(" "),
          metric,
          String(s.n),
          ...[s.mean, s.std, s.min, s.max].map(csvNumber),
        ];
      });
    });
    return stringify([header, ...rows], { record_delimiter: "unix" });
  }
  const header = [
    "run",
    "experiment",
    "arm",
    "status",
    "baseline",
    "eval_split",
    "epochs",
    "samples_seen",
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
      csvNumber(summary.epochs),
      csvNumber(summary.samplesSeen),
      ...SUMMARY_METRICS.flatMap((m) => [csvNumber(summary[m]), csvNumber(comparison.deltas[i][m])]),
      ...comparison.settings.map((d) => (arm.settings === null ? "" : csvSetting(d.values[i]))),
      arm.dir ?? arm.metricsPath ?? "",
    ];
  });
  return stringify([header, ...rows], { record_delimiter: "unix" });
}
function csvSetting(value: SettingValue | undefined): string {
  return value === undefined || value === null ? "" : String(value);
}

function csvNumber(value: number | null): string {
  return value === null ? "" : String(value);
}
