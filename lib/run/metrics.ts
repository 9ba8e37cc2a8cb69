/**
 * The metrics file of a run, `metrics.csv`: one row per training interval and
 * per evaluation, in a fixed column order that every experiment shares.
 *
 * - `arm`: "" for single-arm experiments; the ablation writes `both`,
 *   `conv_frozen`, `dense_frozen`.
 * - `split`: `train` for a training-interval row (loss and accuracy averaged
 *   over the interval, `macro_f1` empty), `validation` or `test` for an
 *   evaluation row (loss, accuracy, macro_f1).
 * - `epoch` is 1-based; `step` counts steps within the epoch at that row;
 *   `samples_seen` counts training samples of that arm so far.
 * - Numbers are written as `String(number)` (full precision, so two runs can
 *   be compared byte for byte); `elapsed_s` with 3 decimals, and it is the
 *   only timing column, left out of reproducibility comparisons.
 *
 * @module
 */
import { csvLine, readCsv } from "./csv.ts";

/** The columns of `metrics.csv`, in order. */
export const METRICS_COLUMNS = [
  "arm",
  "split",
  "epoch",
  "step",
  "samples_seen",
  "loss",
  "accuracy",
  "macro_f1",
  "elapsed_s",
] as const;

/** The columns that measure time, and so differ between identical runs. */
export const TIMING_COLUMNS = ["elapsed_s"] as const;

/** A column of `metrics.csv`. */
export type MetricsColumn = (typeof METRICS_COLUMNS)[number];

/** Which data a row describes. */
export type MetricsSplit = "train" | "validation" | "test";

const SPLITS: readonly string[] = ["train", "validation", "test"];

/** One row of `metrics.csv`. */
export interface MetricsRow {
  /** The arm of a multi-arm experiment; "" for single-arm ones. */
  arm: string;
  /** `train` for an interval of training, `validation` or `test` for an evaluation. */
  split: MetricsSplit;
  /** 1-based epoch. */
  epoch: number;
  /** Steps taken within the epoch at this row. */
  step: number;
  /** Training samples processed so far in this arm. */
  "samples_seen": number;
  /** Mean loss (over the interval, or the evaluated split); NaN or Infinity when the run diverged. */
  loss: number;
  /** Fraction classified correctly. */
  accuracy: number;
  /** Unweighted mean of per-class F1 scores; null on training rows. */
  "macro_f1": number | null;
  /** Seconds since the run started. */
  "elapsed_s": number;
}

/**
 * Turns a row into the strings written to the file.
 *
 * @param row the row; `split` must be `train`, `validation` or `test`.
 * @returns the cells by column: numbers as `String(number)`, `elapsed_s` with 3 decimals, a null `macro_f1` empty.
 * @throws {Error} when the split is unknown or epoch, step or samples_seen is not a non-negative integer.
 */
export function formatMetricsRow(row: MetricsRow): Record<MetricsColumn, string> {
  if (!SPLITS.includes(row.split)) {
    throw new Error(`a metrics row's split must be train, validation or test, got ${JSON.stringify(row.split)}`);
  }
  for (const key of ["epoch", "step", "samples_seen"] as const) {
    if (!Number.isInteger(row[key]) || row[key] < 0) {
      throw new Error(`a metrics row's ${key} must be a non-negative integer, got ${row[key]}`);
    }
  }
  return {
    arm: row.arm,
    split: row.split,
    epoch: String(row.epoch),
    step: String(row.step),
    samples_seen: String(row.samples_seen),
    loss: String(row.loss),
    accuracy: String(row.accuracy),
    macro_f1: row.macro_f1 === null ? "" : String(row.macro_f1),
    elapsed_s: row.elapsed_s.toFixed(3),
  };
}

/** The header line of `metrics.csv`, with its newline. */
export const METRICS_HEADER: string = METRICS_COLUMNS.join(",") + "\n";

/**
 * One line of `metrics.csv`, with its newline (see `formatMetricsRow` for the format).
 *
 * @throws {Error} as `formatMetricsRow`.
 */
export function metricsLine(row: MetricsRow): string {
  const cells = formatMetricsRow(row);
  return csvLine(METRICS_COLUMNS.map((column) => cells[column]));
}

/** A whole `metrics.csv`: the header, then one line per row. */
export function metricsText(rows: readonly MetricsRow[]): string {
  return METRICS_HEADER + rows.map(metricsLine).join("");
}

/** A metrics file as read back. */
export interface MetricsTable {
  /** The file read. */
  path: string;
  /** The rows, typed. */
  rows: MetricsRow[];
  /** The same rows as the exact strings in the file, parallel to `rows` (for byte-for-byte comparison). */
  raw: Record<MetricsColumn, string>[];
  /** The file line number of each row, parallel to `rows`. */
  lines: number[];
  /** Each problem tolerated (truncated last line, malformed row), naming the file and line. */
  warnings: string[];
  /** The line number of a last line dropped for lacking its newline (an interrupted write), or null. */
  truncatedLine: number | null;
}

const INTEGER_COLUMNS = ["epoch", "step", "samples_seen"] as const;
const NUMBER_COLUMNS = ["loss", "accuracy", "elapsed_s"] as const;

/**
 * Reads a `metrics.csv`. Rows that do not parse are skipped with a warning
 * naming the file and line; a truncated last line is dropped with a warning.
 *
 * @param path the metrics file.
 * @throws {Error} naming the file when it is not a CSV, is empty, or its header is not `METRICS_COLUMNS`.
 */
export async function readMetrics(path: string): Promise<MetricsTable> {
  const table = await readCsv(path);
  const expected: readonly string[] = METRICS_COLUMNS;
  if (table.columns.length !== expected.length || table.columns.some((column, i) => column !== expected[i])) {
    const missing = expected.filter((column) => !table.columns.includes(column));
    const extra = table.columns.filter((column) => !expected.includes(column));
    const details = [
      missing.length > 0 ? `missing ${missing.join(",")}` : "",
      extra.length > 0 ? `unexpected ${extra.join(",")}` : "",
      missing.length === 0 && extra.length === 0 ? "same columns in another order" : "",
    ].filter((part) => part !== "");
    throw new Error(
      `${path} is not a metrics file: its columns are ${JSON.stringify(abbreviateColumns(table.columns))}, expected ${
        expected.join(",")
      } (${details.join("; ")})`,
    );
  }
  const rows: MetricsRow[] = [];
  const raw: Record<MetricsColumn, string>[] = [];
  const lines: number[] = [];
  const warnings = [...table.warnings];
  table.rows.forEach((cells, index) => {
    const line = table.lines[index];
    const problem = checkRow(cells);
    if (problem !== null) {
      warnings.push(`${path}:${line}: ${problem}; row skipped`);
      return;
    }
    rows.push({
      arm: cells.arm,
      split: cells.split as MetricsSplit,
      epoch: Number(cells.epoch),
      step: Number(cells.step),
      samples_seen: Number(cells.samples_seen),
      loss: Number(cells.loss),
      accuracy: Number(cells.accuracy),
      macro_f1: cells.macro_f1 === "" ? null : Number(cells.macro_f1),
      elapsed_s: Number(cells.elapsed_s),
    });
    raw.push(cells as Record<MetricsColumn, string>);
    lines.push(line);
  });
  return { path, rows, raw, lines, warnings, truncatedLine: table.truncatedLine };
}

/** Why a row cannot be read, or null when it can. */
function checkRow(cells: Record<string, string>): string | null {
  if (!SPLITS.includes(cells.split)) {
    return `split is ${JSON.stringify(cells.split)}, not train, validation or test`;
  }
  for (const column of INTEGER_COLUMNS) {
    const value = Number(cells[column]);
    if (cells[column] === "" || !Number.isInteger(value) || value < 0) {
      return `${column} is ${JSON.stringify(cells[column])}, not a non-negative integer`;
    }
  }
  for (const column of NUMBER_COLUMNS) {
    if (!isNumber(cells[column])) {
      return `${column} is ${JSON.stringify(cells[column])}, not a number`;
    }
  }
  if (cells.macro_f1 !== "" && !isNumber(cells.macro_f1)) {
    return `macro_f1 is ${JSON.stringify(cells.macro_f1)}, not a number`;
  }
  return null;
}

/** True for what `String(number)` writes, NaN and the infinities included. */
function isNumber(text: string): boolean {
  return text.trim() !== "" && (text === "NaN" || !Number.isNaN(Number(text)));
}

function abbreviateColumns(columns: string[]): string[] {
  const shown = columns.slice(0, 12).map((c) => (c.length > 40 ? `${c.slice(0, 37)}...` : c));
  return columns.length > 12 ? [...shown, `... ${columns.length - 12} more`] : shown;
}
