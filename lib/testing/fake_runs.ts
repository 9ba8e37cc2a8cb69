/**
 * Fake run folders for the compare tests: a metrics file written with
 * `metricsText` and a manifest written with `writeManifest`.
 *
 * @module
 */
import { join } from "node:path";
import { buildComparison, type Comparison, loadRuns } from "../compare/mod.ts";
import {
  type Manifest,
  type MetricsRow,
  metricsText,
  RUN_FILES,
  runFile,
  type RunStatus,
  type SettingValue,
  writeManifest,
} from "../run/mod.ts";
import type { DatasetRecord } from "../data/mod.ts";

/** How a fake run looks. */
export interface FakeRun {
  /** Default `fashion`. */
  experiment?: string;
  /** Default `{ lr: 0.01, epochs: 2, batch_size: 32, seed: 1 }`, merged with these. */
  settings?: Record<string, SettingValue>;
  /** Default `completed`. */
  status?: RunStatus;
  /** Arms; default `[""]`. */
  arms?: string[];
  /** The final test accuracy; default a function of lr and seed. */
  testAccuracy?: number;
  /** Added to every elapsed_s, so that identical runs differ in timing; default 0. */
  timeOffset?: number;
  /** Rewrites rows before they are written. */
  edit?: (rows: MetricsRow[]) => MetricsRow[];
  /** Leave out manifest.json. */
  noManifest?: boolean;
  /** The manifest's data records; default none. */
  datasets?: DatasetRecord[];
}

/** The settings every fake run starts from. */
export const BASE_SETTINGS: Record<string, SettingValue> = {
  lr: 0.01,
  epochs: 2,
  "batch_size": 32,
  seed: 1,
};

/**
 * The rows of a fake run: per epoch two train intervals and a validation
 * row, then one test row; values depend only on lr and seed.
 */
export function fakeRows(
  settings: Record<string, SettingValue>,
  arm: string,
  fake: FakeRun,
): MetricsRow[] {
  const lr = Number(settings.lr);
  const seed = Number(settings.seed);
  const epochs = Number(settings.epochs);
  const rows: MetricsRow[] = [];
  let time = fake.timeOffset ?? 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const step of [5, 10]) {
      const t = epoch - 1 + step / 10;
      time += 1.25;
      rows.push({
        arm,
        split: "train",
        epoch,
        step,
        samples_seen: ((epoch - 1) * 10 + step) * 32,
        loss: 2.3 / (1 + t * lr * 100) + seed / 1000,
        accuracy: 0.5 + t * lr * 10 + seed / 1000,
        macro_f1: null,
        elapsed_s: time,
      });
    }
    time += 0.5;
    rows.push({
      arm,
      split: "validation",
      epoch,
      step: 10,
      samples_seen: epoch * 320,
      loss: 2 / (1 + epoch * lr * 100) + seed / 1000,
      accuracy: 0.55 + epoch * lr * 10 + seed / 1000,
      macro_f1: 0.5 + epoch * lr * 10 + seed / 1000,
      elapsed_s: time,
    });
  }
  const accuracy = fake.testAccuracy ?? 0.6 + lr * 10 + seed / 1000;
  rows.push({
    arm,
    split: "test",
    epoch: epochs,
    step: 10,
    samples_seen: epochs * 320,
    loss: 1 - accuracy,
    accuracy,
    macro_f1: accuracy - 0.01,
    elapsed_s: time + 0.75,
  });
  return rows;
}

/**
 * Writes a fake run folder `root/name` and returns its path.
 *
 * @param root the folder to create it in (created if needed).
 * @param name the run id.
 * @param fake what the run looks like.
 */
export async function makeRun(
  root: string,
  name: string,
  fake: FakeRun = {},
): Promise<string> {
  const dir = join(root, name);
  await Deno.mkdir(dir, { recursive: true });
  const settings = { ...BASE_SETTINGS, ...fake.settings };
  const arms = fake.arms ?? [""];
  let rows = arms.flatMap((arm) => fakeRows(settings, arm, fake));
  if (fake.edit) rows = fake.edit(rows);
  await Deno.writeTextFile(runFile(dir, "metrics"), metricsText(rows));
  if (fake.noManifest) return dir;
  const final: Manifest["final_metrics"] = {};
  for (const arm of arms) {
    const test = rows.findLast((row) => row.arm === arm && row.split === "test");
    if (test) {
      final[arm === "" ? "test" : `${arm}/test`] = {
        loss: test.loss,
        accuracy: test.accuracy,
        macro_f1: test.macro_f1 ?? 0,
      };
    }
  }
  const last = rows.at(-1);
  writeManifest(runFile(dir, "manifest"), {
    experiment: fake.experiment ?? "fashion",
    run_id: name,
    status: fake.status ?? "completed",
    settings,
    datasets: fake.datasets ?? [],
    git: { commit: null, dirty: null },
    runtime: {
      deno: "2",
      v8: "13",
      typescript: "5",
      os: "linux",
      arch: "x86_64",
      cpu: "test",
    },
    started_at: "2025-01-01T00:00:00.000Z",
    ended_at: "2025-01-01T00:00:10.000Z",
    wall_seconds: last ? last.elapsed_s + 0.25 : null,
    samples_seen: rows.filter((row) => row.split === "train").reduce(
      (max, row) => Math.max(max, row.samples_seen),
      0,
    ),
    final_metrics: final,
    files: { metrics: RUN_FILES.metrics },
  });
  return dir;
}

/** Three runs made in `root` and compared: a and b the same seed and lr, c another seed and lr. */
export async function threeRuns(root: string): Promise<Comparison> {
  const dirs = [
    await makeRun(root, "a", { testAccuracy: 0.8 }),
    await makeRun(root, "b", { testAccuracy: 0.8, timeOffset: 1 }),
    await makeRun(root, "c", {
      testAccuracy: 0.82,
      settings: { lr: 0.005, seed: 2 },
    }),
  ];
  return buildComparison(await loadRuns(dirs));
}
