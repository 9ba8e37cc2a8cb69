import assert from "node:assert/strict";
import { readMetrics } from "../run/mod.ts";
import { capture, needs, withTempDir } from "../testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { type Experiment, type RunControls, runExperiment, type RunOptions, UsageError } from "./mod.ts";

/** Runs read the embedded data and write run folders. */
const io = needs("read", "write");

async function runSmall(
  out: string,
  options: Omit<RunOptions, "controls"> & { experiment?: Experiment; controls?: Partial<RunControls> } = {},
) {
  return await runExperiment(options.experiment ?? tinyExperiment, {
    ...options,
    overrides: options.overrides ?? {},
    controls: { out, quiet: true, ...options.controls },
    terminal: false,
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
      assert.match(saved.models[""], /conv2d 1->2 3x3 .* 2x26x26 +20$/m);
      assert.ok(saved.ended_at !== null && saved.wall_seconds >= 0);
      assert.deepEqual(Object.keys(manifest.final_metrics), ["test"]);
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      assert.equal(rows.at(-1)!.accuracy, manifest.final_metrics.test!.accuracy);
      assert.match(charts, /loss against samples seen/);
      assert.equal(await Deno.readTextFile(`${runDir}/charts.txt`), charts + "\n");
      const confusion = (await Deno.readTextFile(`${runDir}/confusion.csv`)).trim().split("\n");
      assert.equal(confusion.length, 11);
      assert.match(await Deno.readTextFile(`${runDir}/evaluations.md`), /\| 2 \| test \|/);
      const predictions = (await Deno.readTextFile(`${runDir}/predictions.csv`)).trim().split("\n");
      assert.equal(predictions[0], "arm,split,index,true_class,predicted_class,true_class_probability");
      assert.equal(predictions.length, 1 + 30, "one row per test image");
      const pictures = JSON.parse(await Deno.readTextFile(`${runDir}/pictures.json`));
      assert.deepEqual(pictures.arms[0].filters.shape, [2, 1, 3, 3]);
      assert.match(await Deno.readTextFile(`${runDir}/report.html`), /This run completed\./);
      assert.ok((await Deno.stat(`${runDir}/charts/loss.vl.json`)).size > 0);
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
      // Not quiet, so the interruption goes through the printing path too; captured, so the test prints nothing.
      let outcome: Awaited<ReturnType<typeof runExperiment>> | undefined;
      const { out: printed } = await capture(async () => {
        outcome = await runExperiment(experiment, {
          overrides: {},
          controls: { out, quiet: false },
          terminal: false,
          signal: controller.signal,
        });
        return 0;
      });
      assert.ok(printed.length > 0, "not quiet: the run printed");
      const { runDir, manifest } = outcome!;
      assert.equal(manifest.status, "interrupted");
      assert.match(manifest.status_detail ?? "", /interrupted at epoch 2, step 21: received SIGINT/);
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      assert.equal(rows.length, 5, "epoch 1's three intervals and test row, epoch 2's first interval");
      const saved = JSON.parse(await Deno.readTextFile(`${runDir}/manifest.json`));
      assert.equal(saved.status, "interrupted");
      assert.equal(saved.samples_seen, 80, "samples up to the last logged interval");
      assert.match(
        await Deno.readTextFile(`${runDir}/report.html`),
        /it ended interrupted: training interrupted at epoch 2/,
      );
    }),
);

Deno.test("runExperiment() marks a diverged run and names the step", io, () =>
  withTempDir(async (out) => {
    const { manifest, runDir } = await runSmall(out, { overrides: { lr: 1e30 } });
    assert.equal(manifest.status, "diverged");
    assert.match(await Deno.readTextFile(`${runDir}/report.html`), /it ended diverged: training diverged/);
    assert.match(manifest.status_detail ?? "", /training diverged: loss (NaN|Infinity) at epoch 1, step \d+/);
  }));

Deno.test("runExperiment() reports an unwritable results folder before training", io, () =>
  withTempDir(async (dir) => {
    const file = `${dir}/file`;
    await Deno.writeTextFile(file, "");
    await assert.rejects(runSmall(`${file}/results`), /cannot create the results folder .*results\/tiny/);
  }));

Deno.test(
  "runExperiment() refuses bad data before making a run folder",
  io,
  () =>
    withTempDir((out) =>
      withTempDir(async (empty) => {
        await assert.rejects(runSmall(out, { controls: { dataDir: empty } }), new RegExp(`data dir ${empty}`));
        assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder");
      })
    ),
);

Deno.test(
  "runExperiment() refuses a limit larger than the data, naming the flag and the size",
  io,
  () =>
    withTempDir(async (out) => {
      await assert.rejects(
        runSmall(out, { overrides: { trainLimit: 60001 } }),
        (e: unknown) =>
          e instanceof UsageError && /--train-limit: got 60001, but the training set holds 60000/.test(e.message),
      );
      await assert.rejects(
        runSmall(out, { overrides: { testLimit: 10001 } }),
        /--test-limit: got 10001, but the test holds 10000/,
      );
      assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder");
    }),
);

Deno.test(
  "runExperiment() records a divergence before the first logged interval, with the steps that ran",
  io,
  () =>
    withTempDir(async (out) => {
      const { runDir, manifest } = await runSmall(out, { overrides: { lr: 1e30, logEvery: 1000 } });
      assert.equal(manifest.status, "diverged");
      const [, steps] = manifest.status_detail!.match(/at epoch 1, step \d+; steps completed before it: (\d+)$/) ?? [];
      assert.ok(Number(steps) >= 1, manifest.status_detail ?? "");
      assert.equal(manifest.samples_seen, Number(steps), "batch 1: a sample a step");
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.samples_seen, Number(steps));
      assert.ok(!Number.isFinite(rows[0]!.loss));
    }),
);

Deno.test(
  "runExperiment() on a full disk stops at the first failed write, names it, and still ends the manifest",
  io,
  () =>
    withTempDir(async (out) => {
      let rows = 0;
      // metrics.csv fills up half-way through its fourth row; then nothing fits, and the final manifest is a smaller
      // record in the first one's bytes (the start of its status_detail).
      const write = (path: string, data: Uint8Array, options?: { append?: boolean }) => {
        const full = () => new Error("No space left on device (os error 28)");
        if (path.endsWith("metrics.csv") && ++rows > 4) {
          Deno.writeFileSync(path, data.subarray(0, 10), options);
          throw full();
        }
        if (/(charts|evaluations|confusion|predictions|pictures|report|\.tmp)/.test(path) && rows > 4) throw full();
        Deno.writeFileSync(path, data, options);
      };
      const { runDir } = await runSmall(out, { write });
      const saved = JSON.parse(await Deno.readTextFile(`${runDir}/manifest.json`));
      assert.equal(saved.status, "failed");
      assert.match(saved.status_detail, /^cannot write \S+\/metrics\.csv: No space left on device/);
      assert.match(saved.status_detail, /then cannot write \S+\/charts\.txt: No space left/);
      assert.ok(saved.ended_at !== null && saved.samples_seen === 60, "ended, with the samples of the rows kept");
      const text = await Deno.readTextFile(`${runDir}/metrics.csv`);
      assert.ok(text.endsWith("\n"), "no truncated line");
      assert.equal(text.trim().split("\n").length, 4, "the header and three complete rows");
      assert.deepEqual([...Deno.readDirSync(runDir)].map((e) => e.name).sort(), ["manifest.json", "metrics.csv"]);
    }),
);

Deno.test(
  "runExperiment() records the optimizer's hyper-parameters and the pixel transform",
  io,
  () =>
    withTempDir(async (out) => {
      const { manifest } = await runSmall(out, {
        overrides: { optimizer: "momentum", hyper: { momentum: 0.5 }, epochs: 1 },
      });
      assert.equal(manifest.settings.momentum, 0.5);
      assert.deepEqual(manifest.transforms, { "": "x/255-0.5" });
      await assert.rejects(
        runSmall(out, { overrides: { hyper: { beta1: 0.5 } } }),
        /--beta1: the optimizer of this run \(sgd\)/,
      );
    }),
);

Deno.test(
  "runExperiment() stopped before any evaluation prints its charts but no empty evaluation table",
  io,
  () =>
    withTempDir(async (out) => {
      const controller = new AbortController();
      const experiment: Experiment = {
        ...tinyExperiment,
        formatInterval: () => (controller.abort("received SIGTERM"), ""),
      };
      const printed: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => printed.push(args.join(" "));
      try {
        const { manifest } = await runSmall(out, { experiment, signal: controller.signal, controls: { quiet: false } });
        assert.equal(manifest.status, "interrupted");
      } finally {
        console.log = log;
      }
      assert.match(printed.join("\n"), /loss against samples seen/);
      assert.doesNotMatch(printed.join("\n"), /\| epoch \| split \|/);
    }),
);

Deno.test(
  "runExperiment() whose metrics header cannot be written ends 'failed', not 'running'",
  io,
  () =>
    withTempDir(async (out) => {
      const write = (path: string, data: Uint8Array, options?: { append?: boolean }) => {
        if (path.endsWith("metrics.csv")) throw new Error("No space left on device (os error 28)");
        Deno.writeFileSync(path, data, options);
      };
      const { runDir } = await runSmall(out, { write });
      const saved = JSON.parse(await Deno.readTextFile(`${runDir}/manifest.json`));
      assert.equal(saved.status, "failed");
      assert.match(saved.status_detail, /^cannot write \S+\/metrics\.csv: No space left on device/);
    }),
);

Deno.test(
  "runExperiment() prints a Keras line per epoch, and the charts of a single-arm run only",
  io,
  () =>
    withTempDir(async (out) => {
      const printed: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => printed.push(args.join(" "));
      try {
        await runSmall(out, { controls: { quiet: false } });
        const single = printed.splice(0).join("\n");
        assert.match(single, /^Epoch 1\/2$/m);
        const epochs = single.match(
          /^60\/60 - \d+\.\ds - \d+ images\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - test_loss: \d\.\d{4} - test_accuracy: \d\.\d{4}$/gm,
        );
        assert.equal(epochs?.length, 2, single);
        assert.doesNotMatch(single, /step \d+\/60/, "no interval lines of its own off a terminal");
        assert.match(single, /^loss against samples seen$/m);
        await runSmall(out, { experiment: tinyArmsExperiment, controls: { quiet: false } });
        const arms = printed.join("\n");
        assert.match(arms, /^\[frozen\] 60\/60 - .* test_accuracy: \d\.\d{4}$/m);
        assert.doesNotMatch(arms, /against samples seen/, "a multi-arm run leaves its charts to charts.txt");
      } finally {
        console.log = log;
      }
    }),
);
