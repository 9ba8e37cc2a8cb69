import assert from "node:assert/strict";
import { loadCheckpoint, readCheckpoint, writeCheckpoint } from "../checkpoint/mod.ts";
import { loadDataset, scaleCentered, takeFirst } from "../data/mod.ts";
import { Dense, Sequential } from "../layers/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Param } from "../tensor/mod.ts";
import { needs, withTempDir } from "../testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { evaluate } from "../train/mod.ts";
import { type Experiment, type RunControls, runExperiment, UsageError } from "./mod.ts";

const io = needs("read", "write");

function runTiny(out: string, options: { experiment?: Experiment; controls?: Partial<RunControls> } = {}) {
  const controls = { out, quiet: true, ...options.controls };
  return runExperiment(options.experiment ?? tinyExperiment, { overrides: {}, controls, terminal: false });
}

const bits = (values: ArrayLike<number>) => [...new Uint32Array(Float32Array.from(values).buffer)];

Deno.test(
  "runExperiment() writes model.safetensors: the trained weights, which evaluate as the run did",
  io,
  () =>
    withTempDir(async (out) => {
      const { runDir, manifest } = await runTiny(out);
      const checkpoint = readCheckpoint(`${runDir}/model.safetensors`);
      const { metadata } = checkpoint;
      assert.deepEqual(
        [metadata.experiment, metadata.arm, metadata.run_id, metadata.seed, metadata.epoch, metadata.step],
        ["tiny", "", manifest.run_id, "0", "2", "60"],
      );
      assert.equal(JSON.parse(metadata.settings!).lr, 0.005);
      assert.equal(metadata.model, manifest.models![""]);
      assert.equal(JSON.parse(metadata.transform!).name, manifest.transforms![""]);
      assert.equal(manifest.files.model, "model.safetensors");
      const settings = tinyExperiment.defaults;
      const model = tinyExperiment.model({ rng: createRng(9), dtype: "float32", arm: "", settings });
      loadCheckpoint(checkpoint, model.params());
      const { test } = await loadDataset("fashion-mnist");
      const result = evaluate(model, takeFirst(test, 30), { transform: scaleCentered, loss: tinyExperiment.loss });
      assert.ok(Math.abs(result.accuracy - manifest.final_metrics.test!.accuracy) < 1e-12);
      assert.ok(Math.abs(result.loss - manifest.final_metrics.test!.loss) < 1e-5);
    }),
);

Deno.test(
  "runExperiment() writes model-<arm>.safetensors per arm, and every N epochs with checkpointEvery",
  io,
  () =>
    withTempDir(async (out) => {
      const written: string[] = [];
      const write = (path: string, data: Uint8Array, options?: { append?: boolean }) => {
        if (path.includes(".safetensors")) written.push(path.replace(/^.*\//, "").replace(/\.\d+\.tmp$/, ""));
        Deno.writeFileSync(path, data, options);
      };
      const controls = { out, quiet: true, checkpointEvery: 1 };
      const { runDir } = await runExperiment(tinyArmsExperiment, { overrides: {}, controls, terminal: false, write });
      const names = ["model-trained.safetensors", "model-frozen.safetensors"];
      assert.deepEqual(written, [names[0], names[0], names[1], names[1]], "after epoch 1 and at the end, per arm");
      for (const name of names) assert.equal(readCheckpoint(`${runDir}/${name}`).metadata.arm, name.slice(6, -12));
    }),
);

Deno.test(
  "runExperiment() with initFrom starts every parameter from the checkpoint and records it",
  io,
  () =>
    withTempDir(async (out) => {
      const first = await runTiny(out);
      const file = `${first.runDir}/model.safetensors`;
      const saved = readCheckpoint(file);
      let initial = new Map<string, Param["value"]>();
      const experiment: Experiment = {
        ...tinyExperiment,
        afterArm: (outcome) => (initial = outcome.initial, Promise.resolve()),
      };
      const second = await runTiny(out, { experiment, controls: { initFrom: file } });
      assert.equal(second.manifest.status, "completed");
      assert.deepEqual(second.manifest.init_from, { file, sha256: saved.sha256 });
      assert.equal(readCheckpoint(`${second.runDir}/model.safetensors`).metadata.init_from, file);
      for (const t of saved.tensors) assert.deepEqual(bits(initial.get(t.name)!), bits(t.data), t.name);
      const after = readCheckpoint(`${second.runDir}/model.safetensors`).tensors;
      assert.notDeepEqual(bits(after[0]!.data), bits(saved.tensors[0]!.data), "and trains on from there");
    }),
);

Deno.test(
  "runExperiment() with initFrom refuses weights that do not fit, before making a run folder",
  io,
  () =>
    withTempDir(async (out) => {
      const other = new Sequential([new Dense({ inputs: 4, units: 2, rng: createRng(0) })], { inputShape: [4] });
      writeCheckpoint(`${out}/other.safetensors`, other.params(), { metadata: {} });
      await assert.rejects(
        () => runTiny(`${out}/runs`, { controls: { initFrom: `${out}/other.safetensors` } }),
        (error: Error) => {
          assert.ok(error instanceof UsageError);
          assert.match(
            error.message,
            /^--init-from: .*other\.safetensors: does not fit this model: tensor '0\.conv2d\.kernel'/,
          );
          return true;
        },
      );
      await assert.rejects(() => Deno.stat(`${out}/runs`), Deno.errors.NotFound);
    }),
);
