/**
 * Numbers and settings as the text and Markdown tables show them.
 *
 * @module
 */
import type { SettingValue } from "../run/mod.ts";
import type { SummaryMetric } from "./summary.ts";

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
  const decimals = decimalsOf(metric);
  const sign = delta > 0 ? "+" : "-";
  const fixed = Math.abs(delta).toFixed(decimals);
  const text = Number(fixed) === 0 ? Math.abs(delta).toExponential(1) : fixed;
  return `${sign}${text}`;
}

function decimalsOf(metric: SummaryMetric): number {
  if (metric === "wall_seconds" || metric === "samples_per_second") return 1;
  return 4;
}

/** A setting's value: strings bare, others as JSON, `-` when absent. */
export function formatSetting(value: SettingValue | undefined): string {
  return value === undefined ? "-" : typeof value === "string" ? value : JSON.stringify(value);
}
