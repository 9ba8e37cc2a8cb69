import { METRICS_COLUMNS, type MetricsColumn, TIMING_COLUMNS } from "../run/mod.ts";
import type { Arm } from "./load.ts";
import { settingsKey } from "./group.ts";

/**
 * Whether runs `a` and `b` (indices) wrote the same metrics byte for byte, timing excluded; else where they first
 * part (`column` `(row)` when one has no such row, null values and lines there), or why they were not compared.
 */
export interface Verdict {
  a: number;
  b: number;
  identical: boolean;
  difference: {
    /** The 1-based data row of the arm. */
    row: number;
    column: string;
    valueA: string | null;
    valueB: string | null;
    /** The file lines of the row in each run. */
    lineA: number | null;
    lineB: number | null;
    /** E.g. `train epoch 2 step 300`. */
    where: string;
  } | null;
  problem: string | null;
}

const COMPARED_COLUMNS: readonly MetricsColumn[] = METRICS_COLUMNS
  .filter((column) => !(TIMING_COLUMNS as readonly string[]).includes(column));

/**
 * A verdict for every pair of runs sharing experiment, arm and settings but `ignore`d ones (the seed is a setting);
 * runs without a manifest are never paired.
 */
export function reproducibilityVerdicts(arms: readonly Arm[], options: { ignore?: readonly string[] } = {}): Verdict[] {
  const keys = arms.map((arm) =>
    arm.settings === null || arm.experiment === null
      ? null
      : JSON.stringify([arm.experiment, arm.name, settingsKey(arm.settings, options.ignore)])
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
  const unpaired = (problem: string): Verdict => ({ a, b, identical: false, difference: null, problem });
  if (armA.data !== armB.data) {
    return unpaired(`different data (${armA.data ?? "none recorded"} vs ${armB.data ?? "none recorded"})`);
  }
  const empty = [armA, armB].find((arm) => arm.raw.length === 0);
  if (empty) return unpaired(`cannot tell: ${empty.label} has no metric rows`);
  const rows = Math.max(armA.raw.length, armB.raw.length);
  for (let i = 0; i < rows; i++) {
    const rowA = armA.raw[i];
    const rowB = armB.raw[i];
    const lineA = armA.lines[i] ?? null;
    const lineB = armB.lines[i] ?? null;
    const present = rowA ?? rowB;
    const where = `${present.split} epoch ${present.epoch} step ${present.step}`;
    const differ = (column: string, valueA: string | null, valueB: string | null): Verdict => {
      const difference = { row: i + 1, column, valueA, valueB, lineA, lineB, where };
      return { a, b, identical: false, problem: null, difference };
    };
    if (rowA === undefined || rowB === undefined) return differ("(row)", null, null);
    const column = COMPARED_COLUMNS.find((c) => rowA[c] !== rowB[c]);
    if (column !== undefined) return differ(column, rowA[column], rowB[column]);
  }
  return { a, b, identical: true, difference: null, problem: null };
}
