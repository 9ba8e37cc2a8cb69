import assert from "node:assert/strict";
import { readMetrics } from "../report/mod.ts";
import { needs, withTempDir } from "../testing/io.ts";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { type Experiment, runExperiment } from "./mod.ts";

/** Runs read the embedded data and write run folders. */
const io = needs("read", "write");

async function runSmall(
  out: string,
  options: { experiment?: Experiment; overrides?: Record<string, unknown>; signal?: AbortSignal } = {},
) {
  return await runExperiment(options.experiment ?? tinyExperiment, {
    overrides: options.overrides ?? {},
    controls: { out, quiet: true },
    terminal: false,
    signal: options.signal,
  });
}

/** The metric columns of a metrics file, without the timing column. */
async function metricColumns(path: string): Promise<string> {
  const text = await Deno.readTextFile(path);
  return text.trimEnd().split("\n").map((line) => line.split(",").slice(0, -1).join(",")).join("\n");
}

Deno.test(
  "runExperiment() with the same seed twice writes byte-identical metrics apart from timing",
  io,
  () =>
    withTempDir(async (out) => {
      const a = await runSmall(out);
      const b = await runSmall(out);
      assert.notEqual(a.runDir, b.runDir, "every run gets a new folder");
      assert.equal(a.manifest.status, "completed");
      const [ma, mb] = [await metricColumns(`${a.runDir}/metrics.csv`), await metricColumns(`${b.runDir}/metrics.csv`)];
      assert.equal(ma, mb);
      assert.equal(ma.split("\n").length, 1 + 2 * 3 + 2, "header, 3 interval rows and 1 test row per epoch");
      const c = await runSmall(out, { overrides: { seed: 1 } });
      assert.notEqual(await metricColumns(`${c.runDir}/metrics.csv`), ma, "another seed gives other numbers");
    }),
);

Deno.test(
  "runExperiment() writes the manifest, charts, confusion matrix and evaluation table",
  io,
  () =>
    withTempDir(async (out) => {
      const { runDir, manifest, charts } = await runSmall(out);
      const saved = JSON.parse(await Deno.readTextFile(`${runDir}/manifest.json`));
      assert.equal(saved.status, "completed");
      assert.equal(saved.settings.seed, 0);
      assert.equal(saved.settings.train_limit, 60);
      assert.equal(saved.settings.lr, 0.005);
      assert.equal(saved.datasets[0].name, "fashion-mnist");
      assert.ok(saved.datasets[0].files.every((f: { verified: boolean }) => f.verified));
      assert.equal(saved.samples_seen, 120);
      assert.equal(typeof saved.runtime.deno, "string");
      assert.match(saved.models[""], /conv2d 1->2 3x3 .* -> 2x26x26/);
      assert.ok(saved.ended_at !== null && saved.wall_seconds >= 0);
      assert.deepEqual(Object.keys(manifest.final_metrics), ["test"]);
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      assert.equal(rows.at(-1)!.accuracy, manifest.final_metrics.test!.accuracy);
      assert.match(charts, /loss against samples seen/);
      assert.equal(await Deno.readTextFile(`${runDir}/charts.txt`), charts + "\n");
      const confusion = (await Deno.readTextFile(`${runDir}/confusion.csv`)).trim().split("\n");
      assert.equal(confusion.length, 11);
      assert.match(await Deno.readTextFile(`${runDir}/evaluations.md`), /\| 2 \| test \|/);
    }),
);

Deno.test(
  "runExperiment() marks an interrupted run and keeps the rows already written",
  io,
  () =>
    withTempDir(async (out) => {
      const controller = new AbortController();
      const experiment: Experiment = {
        ...tinyExperiment,
        formatInterval: (log) => {
          if (log.epoch === 2) controller.abort("received SIGINT");
          return "";
        },
      };
      const { runDir, manifest } = await runExperiment(experiment, {
        overrides: {},
        controls: { out, quiet: false },
        terminal: false,
        signal: controller.signal,
      });
      assert.equal(manifest.status, "interrupted");
      assert.match(manifest.status_detail ?? "", /interrupted at epoch 2, step 21: received SIGINT/);
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      assert.equal(rows.length, 5, "epoch 1's three intervals and test row, epoch 2's first interval");
      const saved = JSON.parse(await Deno.readTextFile(`${runDir}/manifest.json`));
      assert.equal(saved.status, "interrupted");
      assert.equal(saved.samples_seen, 80, "samples up to the last logged interval");
    }),
);

Deno.test("runExperiment() marks a diverged run and names the step", io, () =>
  withTempDir(async (out) => {
    const { manifest } = await runSmall(out, { overrides: { lr: 1e30 } });
    assert.equal(manifest.status, "diverged");
    assert.match(manifest.status_detail ?? "", /training diverged: loss (NaN|Infinity) at epoch 1, step \d+/);
  }));

Deno.test("runExperiment() reports an unwritable results folder before training", io, () =>
  withTempDir(async (dir) => {
    const file = `${dir}/file`;
    await Deno.writeTextFile(file, "");
    await assert.rejects(runSmall(`${file}/results`), /cannot create the results folder .*results\/tiny/);
  }));

Deno.test("runExperiment() records a data failure in the manifest", io, () =>
  withTempDir(async (out) => {
    const empty = `${out}/empty`;
    await Deno.mkdir(empty);
    const { manifest } = await runExperiment(tinyExperiment, {
      overrides: {},
      controls: { out, quiet: true, dataDir: empty },
      terminal: false,
    });
    assert.equal(manifest.status, "failed");
    assert.match(manifest.status_detail ?? "", new RegExp(empty));
  }));
