/**
 * `metrics.csv`: one row per training interval (`split` `train`, `macro_f1` empty) and per evaluation, in a
 * column order every experiment shares. Numbers are `String(number)`, full precision, so two runs compare byte for
 * byte; `elapsed_s` (3 decimals) is the only timing column, left out of reproducibility comparisons.
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

const SPLITS: readonly string[] = ["train", "validation", "test"];
const INTEGER_COLUMNS = ["epoch", "step", "samples_seen"] as const;

/** One row of `metrics.csv`. */
export interface MetricsRow {
  /** The arm of a multi-arm experiment (the ablation's `both`, `conv_frozen`, ...); "" for single-arm ones. */
  arm: string;
  /** `train` for an interval of training, `validation` or `test` for an evaluation. */
  split: "train" | "validation" | "test";
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
 * The cells of a row by column: numbers as `String(number)`, `elapsed_s` with 3 decimals, a null `macro_f1` empty.
 *
 * @throws {Error} when the split is unknown or epoch, step or samples_seen is not a non-negative integer.
 */
export function formatMetricsRow(row: MetricsRow): Record<MetricsColumn, string> {
  if (!SPLITS.includes(row.split)) {
    throw new Error(`a metrics row's split must be train, validation or test, got ${JSON.stringify(row.split)}`);
  }
  for (const key of INTEGER_COLUMNS) {
    if (!Number.isInteger(row[key]) || row[key] < 0) {
      throw new Error(`a metrics row's ${key} must be a non-negative integer, got ${row[key]}`);
    }
  }
  const cell = (column: MetricsColumn) => column === "elapsed_s" ? row.elapsed_s.toFixed(3) : String(row[column] ?? "");
  return Object.fromEntries(METRICS_COLUMNS.map((column) => [column, cell(column)])) as Record<MetricsColumn, string>;
}

/** The header line of `metrics.csv`, with its newline. */
export const METRICS_HEADER: string = METRICS_COLUMNS.join(",") + "\n";

/** One line of `metrics.csv`, with its newline; throws as {@linkcode formatMetricsRow}. */
export function metricsLine(row: MetricsRow): string {
  const cells = formatMetricsRow(row);
  return csvLine(METRICS_COLUMNS.map((column) => cells[column]));
}

/** A whole `metrics.csv`: the header, then one line per row. */
export function metricsText(rows: readonly MetricsRow[]): string {
  return METRICS_HEADER + rows.map(metricsLine).join("");
}

/** A `metrics.csv` text with its timing cells (`TIMING_COLUMNS`) emptied: what two runs of one setting share. */
export function untimedMetrics(text: string): string {
  const timing: number[] = TIMING_COLUMNS.map((column) => METRICS_COLUMNS.indexOf(column));
  const untimed = (line: string) => line.split(",").map((cell, i) => (timing.includes(i) ? "" : cell)).join(",");
  return text.split("\n").map((line) => (line === "" ? line : untimed(line))).join("\n");
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

/**
 * Reads a `metrics.csv`; rows that do not parse are skipped, and a truncated last line dropped, with a warning
 * naming the file and line.
 *
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
    const shown = table.columns.slice(0, 12).map((c) => (c.length > 40 ? `${c.slice(0, 37)}...` : c));
    if (table.columns.length > 12) shown.push(`... ${table.columns.length - 12} more`);
    throw new Error(
      `${path} is not a metrics file: its columns are ${JSON.stringify(shown)}, expected ${expected.join(",")} (${
        details.join("; ")
      })`,
    );
  }
  const rows: MetricsRow[] = [];
  const raw: Record<MetricsColumn, string>[] = [];
  const lines: number[] = [];
  const warnings = [...table.warnings];
  for (const [index, cells] of table.rows.entries()) {
    const problem = checkRow(cells);
    if (problem !== null) {
      warnings.push(`${path}:${table.lines[index]}: ${problem}; row skipped`);
      continue;
    }
    const value = (c: MetricsColumn) =>
      c === "arm" || c === "split" ? cells[c] : c === "macro_f1" && cells[c] === "" ? null : Number(cells[c]);
    rows.push(Object.fromEntries(METRICS_COLUMNS.map((c) => [c, value(c)])) as unknown as MetricsRow);
    raw.push(cells as Record<MetricsColumn, string>);
    lines.push(table.lines[index]!);
  }
  return { path, rows, raw, lines, warnings, truncatedLine: table.truncatedLine };
}

/** Why a row cannot be read, or null when it can. */
function checkRow(cells: Record<string, string>): string | null {
  if (!SPLITS.includes(cells.split!)) return `split is ${JSON.stringify(cells.split)}, not train, validation or test`;
  for (const column of INTEGER_COLUMNS) {
    const value = Number(cells[column]);
    if (cells[column] === "" || !Number.isInteger(value) || value < 0) {
      return `${column} is ${JSON.stringify(cells[column])}, not a non-negative integer`;
    }
  }
  for (const column of ["loss", "accuracy", "elapsed_s", "macro_f1"]) {
    const text = cells[column]!;
    if (column === "macro_f1" && text === "") continue;
    // What `String(number)` writes, NaN and the infinities included.
    if (text.trim() === "" || (text !== "NaN" && Number.isNaN(Number(text)))) {
      return `${column} is ${JSON.stringify(text)}, not a number`;
    }
  }
  return null;
}
