/**
 * Reproducibility verdicts: do two runs with the same experiment, settings
 * and seed write the same metrics, byte for byte (timing excluded)?
 *
 * @module
 */
import { METRICS_COLUMNS, type MetricsColumn, TIMING_COLUMNS } from "../run/mod.ts";
import type { Arm } from "./load.ts";
import { settingsKey } from "./settings_diff.ts";

/** Where two runs' metrics first part. */
export interface FirstDifference {
  /** The 1-based data row (of this arm) where they part. */
  row: number;
  /** The column, or `(row)` when one run has no such row. */
  column: string;
  /** The first run's cell, or null when it has no such row. */
  valueA: string | null;
  /** The second run's cell, or null when it has no such row. */
  valueB: string | null;
  /** The file lines of the row in each run (null when absent). */
  lineA: number | null;
  /** See `lineA`. */
  lineB: number | null;
  /** Split, epoch and step of the row, e.g. `train epoch 2 step 300`. */
  where: string;
}

/** The verdict on one pair of runs that should reproduce each other. */
export interface Verdict {
  /** Index of the first run. */
  a: number;
  /** Index of the second run. */
  b: number;
  /** True when every metric column matches byte for byte. */
  identical: boolean;
  /** The first difference, when not identical and both have rows. */
  difference: FirstDifference | null;
  /** Why the metrics were not compared (different data, or an arm without metric rows), else null. */
  problem: string | null;
}

/** The columns compared: all but timing. */
export const COMPARED_COLUMNS: readonly MetricsColumn[] = METRICS_COLUMNS
  .filter((column) => !(TIMING_COLUMNS as readonly string[]).includes(column));

/**
 * The verdict for every pair of runs sharing experiment, arm and settings
 * (the seed is a setting). Runs without a manifest are never paired; a pair
 * that read different data is not compared (its problem says so).
 *
 * @param arms the arms.
 * @param options settings to ignore when deciding which runs should match.
 */
export function reproducibilityVerdicts(arms: readonly Arm[], options: { ignore?: readonly string[] } = {}): Verdict[] {
  const keys = arms.map((arm) =>
    arm.settings === null || arm.experiment === null ? null : JSON.stringify([
      arm.experiment,
      arm.name,
      settingsKey(arm.settings, options.ignore),
    ])
  );
  const verdicts: Verdict[] = [];
  for (let a = 0; a < arms.length; a++) {
    for (let b = a + 1; b < arms.length; b++) {
      if (keys[a] === null || keys[a] !== keys[b]) continue;
      verdicts.push(compareArms(arms[a], arms[b], a, b));
    }
  }
  return verdicts;
}

/** Compares two runs' metric rows cell by cell, timing excluded. */
function compareArms(armA: Arm, armB: Arm, a: number, b: number): Verdict {
  if (armA.data !== armB.data) {
    const problem = `different data (${armA.data ?? "none recorded"} vs ${armB.data ?? "none recorded"})`;
    return { a, b, identical: false, difference: null, problem };
  }
  for (const arm of [armA, armB]) {
    if (arm.raw.length === 0) {
      return { a, b, identical: false, difference: null, problem: `cannot tell: ${arm.label} has no metric rows` };
    }
  }
  const rows = Math.max(armA.raw.length, armB.raw.length);
  for (let i = 0; i < rows; i++) {
    const rowA = armA.raw[i];
    const rowB = armB.raw[i];
    const lineA = armA.lines[i] ?? null;
    const lineB = armB.lines[i] ?? null;
    const present = rowA ?? rowB;
    const where = `${present.split} epoch ${present.epoch} step ${present.step}`;
    if (rowA === undefined || rowB === undefined) {
      return {
        a,
        b,
        identical: false,
        problem: null,
        difference: { row: i + 1, column: "(row)", valueA: null, valueB: null, lineA, lineB, where },
      };
    }
    for (const column of COMPARED_COLUMNS) {
      if (rowA[column] !== rowB[column]) {
        return {
          a,
          b,
          identical: false,
          problem: null,
          difference: { row: i + 1, column, valueA: rowA[column], valueB: rowB[column], lineA, lineB, where },
        };
      }
    }
  }
  return { a, b, identical: true, difference: null, problem: null };
}
