import assert from "node:assert/strict";
import { readCheckpoint } from "../checkpoint/mod.ts";
import { abortAfter, needs, withTempDir } from "../testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { type Experiment, runExperiment, runExperimentCli, type Settings, UsageError } from "./mod.ts";

/** Runs read the embedded data and write run folders. */
const io = needs("read", "write");

function run(out: string, options: { overrides?: Partial<Settings>; signal?: AbortSignal; resume?: string } = {}) {
  const { overrides, signal, resume } = options;
  return runExperiment(tinyExperiment, {
    overrides,
    signal,
    controls: { out, quiet: true, resume: resume ?? null },
    terminal: false,
  });
}

/** A metrics file without its last column, `elapsed_s`. */
async function metricColumns(runDir: string): Promise<string> {
  const text = await Deno.readTextFile(`${runDir}/metrics.csv`);
  return text.trimEnd().split("\n").map((line) => line.split(",").slice(0, -1).join(",")).join("\n");
}

/** The weights of a run's checkpoint, as their float32 bits (training state left out). */
function weightBits(runDir: string): [string, number[]][] {
  return readCheckpoint(`${runDir}/model.safetensors`).tensors.filter((t) => t.data instanceof Float32Array)
    .map((t) => [t.name, [...new Uint32Array(t.data.buffer)]]);
}

Deno.test(
  "runExperiment() interrupted anywhere, then --resume, ends bit for bit as a run never interrupted",
  io,
  async (t) => {
    // tiny: 60 training images, 2 epochs, a row every 20 steps. Each setting is interrupted before the first step,
    // mid-interval, at a row, at the epoch boundary and late in the last epoch (steps counted over the run).
    const settings: [string, Partial<Settings>, number[]][] = [
      ["sgd (fused), reshuffle, batch 1", {}, [0, 7, 20, 60, 119]],
      ["adam, with-replacement, batch 4", { optimizer: "adam", lr: 0.01, batchSize: 4, logEvery: 4 }, [5, 15, 22]],
      ["momentum, shuffle-once, batch 3", { optimizer: "momentum", batchSize: 3, order: "shuffle-once" }, [9, 20]],
      ["adam, batch 4 split across 2 threads", { optimizer: "adam", lr: 0.01, batchSize: 4, threads: 2 }, [9]],
    ];
    for (const [name, overrides, points] of settings) {
      await t.step(name, () =>
        withTempDir(async (out) => {
          const whole = await run(`${out}/whole`, { overrides });
          for (const after of points) {
            const stopped = await run(`${out}/${after}`, { overrides, signal: abortAfter(after) });
            assert.equal(stopped.manifest.status, "interrupted");
            const resumed = await run(out, { resume: stopped.runDir });
            const label = `interrupted after ${after} steps`;
            assert.equal(resumed.runDir, stopped.runDir);
            assert.equal(resumed.manifest.status, "completed", label);
            assert.equal(await metricColumns(resumed.runDir), await metricColumns(whole.runDir), label);
            assert.deepEqual(resumed.manifest.final_metrics, whole.manifest.final_metrics, label);
            assert.equal(resumed.manifest.samples_seen, whole.manifest.samples_seen, label);
            assert.deepEqual(weightBits(resumed.runDir), weightBits(whole.runDir), label);
            assert.equal(resumed.charts, whole.charts, label);
            assert.deepEqual(resumed.manifest.resumes?.map((r) => r.after), [stopped.manifest.status_detail]);
          }
        }));
    }
  },
);

Deno.test("runExperiment() resumes a run interrupted twice", io, () =>
  withTempDir(async (out) => {
    const whole = await run(`${out}/whole`);
    const first = await run(out, { signal: abortAfter(30) });
    const second = await run(out, { resume: first.runDir, signal: abortAfter(50) });
    assert.equal(second.manifest.status, "interrupted");
    const third = await run(out, { resume: first.runDir });
    assert.equal(await metricColumns(third.runDir), await metricColumns(whole.runDir));
    assert.deepEqual(third.manifest.resumes?.map((r) => [r.epoch, r.step]), [[1, 30], [2, 20]]);
  }));

Deno.test(
  "runExperiment() --resume refuses what it cannot go on with, naming why",
  io,
  () =>
    withTempDir(async (out) => {
      const completed = await run(out);
      const stopped = await run(`${out}/b`, { signal: abortAfter(10) });
      const noCheckpoint = await run(`${out}/c`, { signal: abortAfter(10) });
      await Deno.remove(`${noCheckpoint.runDir}/model.safetensors`);
      const otherData = await run(`${out}/d`, { signal: abortAfter(10) });
      const edited = JSON.parse(await Deno.readTextFile(`${otherData.runDir}/manifest.json`));
      edited.datasets[0].files[0].sha256 = "0".repeat(64);
      await Deno.writeTextFile(`${otherData.runDir}/manifest.json`, JSON.stringify(edited));
      const arms = await runExperiment(tinyArmsExperiment, {
        controls: { out, quiet: true },
        signal: abortAfter(70),
        terminal: false,
      });
      // A multi-arm checkpoint from before the command line's settings were recorded in it.
      await editHeader(`${arms.runDir}/model-trained.safetensors`, (header) => {
        const metadata = header.__metadata__ as Record<string, string>;
        metadata.resume = JSON.stringify({ ...JSON.parse(metadata.resume!), overrides: undefined });
      });
      const cases: [string, () => Promise<unknown>, RegExp][] = [
        ["missing folder", () => run(out, { resume: `${out}/nothing` }), /nothing: not a run folder \(No such file/],
        [
          "completed run",
          () => run(out, { resume: completed.runDir }),
          /the run completed; there is nothing to resume/,
        ],
        ["no checkpoint", () => run(out, { resume: noCheckpoint.runDir }), /no checkpoint to resume from/],
        [
          "other settings",
          () => run(out, { resume: stopped.runDir, overrides: { epochs: 3, lr: 0.005 } }),
          /settings differ from the run's: epochs 3 \(the run's: 2\); a resumed run keeps its settings/,
        ],
        [
          "other experiment",
          () =>
            runExperiment({ ...tinyExperiment, name: "other" } as Experiment, {
              controls: { out, quiet: true, resume: stopped.runDir },
              terminal: false,
            }),
          /a run of exp:tiny, not of exp:other/,
        ],
        [
          "several arms, an old checkpoint",
          () =>
            runExperiment(tinyArmsExperiment, { controls: { out, quiet: true, resume: arms.runDir }, terminal: false }),
          /a run of 2 arms \(trained, frozen\) whose checkpoint does not record the command line's settings/,
        ],
      ];
      for (const [name, start, expected] of cases) {
        await assert.rejects(start(), (e: Error) => e instanceof UsageError && expected.test(e.message), name);
      }
      const manifest = JSON.parse(await Deno.readTextFile(`${stopped.runDir}/manifest.json`));
      assert.equal(manifest.status, "interrupted", "a refused resume leaves the folder as it was");
    }),
);

Deno.test("runExperimentCli() --resume of a missing folder exits 2 with the message", io, async () => {
  const errors: string[] = [];
  const error = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await runExperimentCli(tinyExperiment, ["--resume", "/nonexistent/run", "--quiet"]), 2);
    assert.equal(await runExperimentCli(tinyExperiment, ["--resume", "/x", "--seeds", "0..1"]), 2);
  } finally {
    console.error = error;
  }
  assert.match(errors[0]!, /^exp tiny: --resume: \/nonexistent\/run: not a run folder/);
  assert.match(errors[1]!, /--resume and --seeds: a resumed run keeps its folder/);
});

Deno.test(
  "runExperiment() resumes a run of one arm of a multi-arm experiment (--arm)",
  io,
  () =>
    withTempDir(async (out) => {
      const arm = (options: { signal?: AbortSignal; resume?: string; out: string }) =>
        runExperiment(tinyArmsExperiment, {
          signal: options.signal,
          controls: { out: options.out, quiet: true, arms: ["frozen"], resume: options.resume ?? null },
          terminal: false,
        });
      const whole = await arm({ out: `${out}/whole` });
      const stopped = await arm({ out, signal: abortAfter(33) });
      const resumed = await arm({ out, resume: stopped.runDir });
      assert.equal(resumed.manifest.status, "completed");
      assert.equal(await metricColumns(resumed.runDir), await metricColumns(whole.runDir));
      assert.deepEqual(resumed.manifest.final_metrics, whole.manifest.final_metrics);
    }),
);

Deno.test(
  "runExperiment() --resume refuses a metrics.csv that does not reach the checkpoint, leaving the folder as it was",
  io,
  () =>
    withTempDir(async (out) => {
      const whole = await run(`${out}/whole`);
      // 100 steps: epoch 1 (3 train rows, 1 test row), then epoch 2 steps 20 and 40: 6 rows after the header.
      const stopped = await run(out, { signal: abortAfter(100) });
      const metrics = `${stopped.runDir}/metrics.csv`;
      const manifest = await Deno.readFile(`${stopped.runDir}/manifest.json`);
      const log = await Deno.readTextFile(metrics);
      const lines = log.trimEnd().split("\n");
      assert.equal(lines.length, 7);
      const damaged: [string, string | null, RegExp][] = [
        [
          "cut to 3 rows",
          lines.slice(0, 4).join("\n") + "\n",
          /metrics\.csv holds 3 rows, but the checkpoint \(epoch 2, step 40\) comes after 6 \(restore it, or/,
        ],
        [
          "a row too many",
          log + lines.at(-1) + "\n",
          /metrics\.csv holds 7 rows, but the checkpoint \(epoch 2, step 40\) comes after 6/,
        ],
        ["empty", "", /metrics\.csv .*empty/],
        ["deleted", null, /: metrics\.csv is missing \(restore it/],
      ];
      for (const [name, text, expected] of damaged) {
        if (text === null) await Deno.remove(metrics);
        else await Deno.writeTextFile(metrics, text);
        await assert.rejects(
          run(out, { resume: stopped.runDir }),
          (e: Error) => (assert.match(e.message, expected), e instanceof UsageError),
          name,
        );
        assert.deepEqual(await Deno.readFile(`${stopped.runDir}/manifest.json`), manifest, `${name}: manifest kept`);
        if (text !== null) assert.equal(await Deno.readTextFile(metrics), text, `${name}: metrics.csv kept`);
      }
      // A cut-off last row (a write the kill split) is cut back, as a live run does, then the run goes on.
      await Deno.writeTextFile(metrics, log + lines.at(-1)!.slice(0, 12));
      const resumed = await run(out, { resume: stopped.runDir });
      assert.equal(resumed.manifest.status, "completed");
      assert.equal(await metricColumns(resumed.runDir), await metricColumns(whole.runDir));
    }),
);

Deno.test(
  "runExperiment() --resume twice at once: the second is refused, naming the first",
  io,
  () =>
    withTempDir(async (out) => {
      const whole = await run(`${out}/whole`);
      const stopped = await run(out, { signal: abortAfter(30) });
      const first = run(out, { resume: stopped.runDir });
      const second = run(out, { resume: stopped.runDir });
      await assert.rejects(second, (e: Error) => {
        assert.match(e.message, new RegExp(`: being resumed by process ${Deno.pid} since \\d{4}-.*; wait for it`));
        return e instanceof UsageError;
      });
      assert.equal((await first).manifest.status, "completed");
      assert.equal(await metricColumns(stopped.runDir), await metricColumns(whole.runDir));
      assert.deepEqual([...Deno.readDirSync(stopped.runDir)].filter((e) => e.name.endsWith(".lock")), []);
    }),
);

/** Rewrites the JSON header of a safetensors file (tensor offsets are relative to the data, so they stay right). */
async function editHeader(path: string, edit: (header: Record<string, unknown>) => void): Promise<void> {
  const bytes = await Deno.readFile(path);
  const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  edit(header);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(bytes.subarray(8 + length), 8 + text.length);
  await Deno.writeFile(path, out);
}

Deno.test(
  "runExperiment() --resume of a run left running says so and points to --init-from; a bad resume state is refused",
  io,
  () =>
    withTempDir(async (out) => {
      // A process killed hard leaves its manifest `running` and, at most, an epoch's checkpoint.
      const killed = await run(out, { overrides: { epochs: 1 } });
      const manifest = JSON.parse(await Deno.readTextFile(`${killed.runDir}/manifest.json`));
      await Deno.writeTextFile(`${killed.runDir}/manifest.json`, JSON.stringify({ ...manifest, status: "running" }));
      const refused = (resume: string, expected: RegExp) =>
        assert.rejects(
          run(out, { resume }),
          (e: Error) => (assert.match(e.message, expected), e instanceof UsageError),
        );
      await refused(
        killed.runDir,
        new RegExp(
          "the run is still running, or stopped without a checkpoint \\(killed\\?\\); to go on from its last " +
            `checkpoint \\(epoch 1\\), start a new run with --init-from ${killed.runDir}/model\\.safetensors$`,
        ),
      );
      await Deno.remove(`${killed.runDir}/model.safetensors`);
      await refused(
        killed.runDir,
        /still running, or stopped without a checkpoint \(killed\?\); it left no checkpoint/,
      );
      const stopped = await run(`${out}/b`, { signal: abortAfter(30) });
      const checkpoint = `${stopped.runDir}/model.safetensors`;
      await editHeader(checkpoint, (header) => {
        const metadata = header.__metadata__ as Record<string, string>;
        metadata.resume = metadata.resume!.replace(/"step":\d+/, '"step":999999');
      });
      await refused(stopped.runDir, /resume state is out of range: step 999999 of an epoch of 60 steps/);
    }),
);

Deno.test(
  "runExperiment() --resume reads the data from the folder the run recorded, without --data-dir",
  io,
  () =>
    withTempDir(async (out) => {
      const data = `${out}/data`;
      await Deno.mkdir(data);
      const embedded = new URL("../../datasets/fashion-mnist/", import.meta.url).pathname;
      for (const entry of Deno.readDirSync(embedded)) {
        if (entry.name.endsWith(".gz")) await Deno.copyFile(`${embedded}${entry.name}`, `${data}/${entry.name}`);
      }
      const own = (resume: string | null, signal?: AbortSignal) =>
        runExperiment(tinyExperiment, {
          signal,
          controls: { out, quiet: true, resume, dataDir: resume ? null : data },
          terminal: false,
        });
      const stopped = await own(null, abortAfter(30));
      // The run's folder gone: the resume names it, as it reads no other copy.
      await Deno.rename(data, `${data}-moved`);
      await assert.rejects(own(stopped.runDir), new RegExp(`${data}`));
      assert.equal(JSON.parse(await Deno.readTextFile(`${stopped.runDir}/manifest.json`)).status, "interrupted");
      await Deno.rename(`${data}-moved`, data);
      assert.equal((await own(stopped.runDir)).manifest.status, "completed");
    }),
);

Deno.test(
  "runExperiment() resumes a multi-arm run: finished arms stay, the interrupted one goes on, the rest run; bit for bit",
  io,
  () =>
    withTempDir(async (out) => {
      const arms = (options: { signal?: AbortSignal; resume?: string; out: string }) =>
        runExperiment(tinyArmsExperiment, {
          signal: options.signal,
          overrides: { lr: 0.01 },
          controls: { out: options.out, quiet: true, resume: options.resume ?? null },
          terminal: false,
        });
      const whole = await arms({ out: `${out}/whole` });
      const same = ["confusion.csv", "predictions.csv", "pictures.json", "evaluations.md", "charts.txt"];
      // Each arm trains 120 steps: stopped in the first arm, and in the second.
      for (const after of [70, 150]) {
        const stopped = await arms({ out: `${out}/${after}`, signal: abortAfter(after) });
        assert.equal(stopped.manifest.status, "interrupted");
        const resumed = await arms({ out, resume: stopped.runDir });
        const label = `interrupted after ${after} steps`;
        assert.equal(resumed.manifest.status, "completed", `${label}: ${resumed.manifest.status_detail}`);
        assert.equal(await metricColumns(resumed.runDir), await metricColumns(whole.runDir), label);
        assert.deepEqual(resumed.manifest.final_metrics, whole.manifest.final_metrics, label);
        assert.equal(resumed.manifest.samples_seen, whole.manifest.samples_seen, label);
        for (const name of same) {
          const read = (dir: string) => Deno.readTextFileSync(`${dir}/${name}`);
          assert.equal(read(resumed.runDir), read(whole.runDir), `${label}: ${name}`);
        }
        for (const arm of ["trained", "frozen"]) {
          const bits = (dir: string) =>
            readCheckpoint(`${dir}/model-${arm}.safetensors`).tensors.filter((t) => t.data instanceof Float32Array)
              .map((t) => [t.name, [...new Uint32Array(t.data.buffer)]]);
          assert.deepEqual(bits(resumed.runDir), bits(whole.runDir), `${label}: ${arm}'s weights`);
        }
      }
    }),
);
