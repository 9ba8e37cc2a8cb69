import assert from "node:assert/strict";
import { createBackend } from "../backend/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import type { Param } from "../tensor/mod.ts";
import { createRng } from "../rng/mod.ts";
import { needs, withTempDir } from "../testing/io.ts";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { loadCheckpoint, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";

const tinyModel = (seed: number) =>
  tinyExperiment.model({ rng: createRng(seed), dtype: "float32", arm: "", settings: tinyExperiment.defaults });
const bits = (model: Sequential) =>
  model.params().map((p) => [p.name, [...new Uint32Array(Float32Array.from(p.value).buffer)]]);

Deno.test(
  "writeCheckpoint() then loadCheckpoint() restores every parameter bit for bit, in backend memory",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const saved = tinyModel(1);
      writeCheckpoint(`${dir}/model.safetensors`, saved.params(), { metadata: { epoch: "2" } });
      const restored = tinyModel(2);
      restored.useBackend(createBackend("wasm"));
      const arrays = restored.params().map((p) => p.value);
      assert.notDeepEqual(bits(restored), bits(saved));
      const checkpoint = readCheckpoint(`${dir}/model.safetensors`);
      loadCheckpoint(checkpoint, restored.params());
      assert.deepEqual(bits(restored), bits(saved));
      assert.deepEqual(checkpoint.metadata, { epoch: "2" });
      restored.params().forEach((p, i) => assert.equal(p.value, arrays[i], `${p.name} was replaced, not written into`));
      assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["model.safetensors"]);
    }),
);

Deno.test(
  "loadCheckpoint() refuses a checkpoint that does not fit, naming the file and the tensor",
  needs("read", "write"),
  async (t) => {
    await withTempDir(async (dir) => {
      const file = `${dir}/model.safetensors`;
      const model = tinyModel(1);
      const [kernel, bias, weight, denseBias] = model.params();
      const transposed = { ...weight!, shape: [...weight!.shape].reverse() };
      const cases: [string, Param[], RegExp][] = [
        [
          "wrong shape",
          [kernel!, bias!, transposed, denseBias!],
          /tensor '4\.dense\.weight' has shape \[10,338\], expected \[338,10\]/,
        ],
        ["missing tensor", [kernel!, bias!, weight!], /tensor '4\.dense\.bias' \[10\] is missing/],
        [
          "extra tensor",
          [...model.params(), { ...denseBias!, name: "5.dense.bias" }],
          /tensor '5\.dense\.bias' is not a parameter/,
        ],
      ];
      for (const [name, written, expected] of cases) {
        await t.step(name, () => {
          writeCheckpoint(file, written, { metadata: {} });
          const before = bits(model);
          assert.throws(() => loadCheckpoint(readCheckpoint(file), model.params()), (e: Error) => {
            assert.match(e.message, new RegExp(`^${file}: does not fit this model: `));
            return expected.test(e.message);
          });
          assert.deepEqual(bits(model), before);
        });
      }
      await t.step("NaN or infinite weights", () => {
        for (const bad of [NaN, -Infinity]) {
          const value = Float32Array.from(weight!.value);
          value[7] = bad;
          writeCheckpoint(file, [kernel!, bias!, { ...weight!, value }, denseBias!], { metadata: {} });
          const before = bits(model);
          assert.throws(
            () => loadCheckpoint(readCheckpoint(file), model.params()),
            new RegExp(
              `^Error: ${file}: tensor '4\\.dense\\.weight' holds ${bad} \\(at 7\\): the weights are unusable`,
            ),
          );
          assert.deepEqual(bits(model), before);
        }
      });
      await t.step("missing file", () => {
        assert.throws(
          () => readCheckpoint(`${dir}/nothing.safetensors`),
          /nothing\.safetensors: cannot read the checkpoint \(No such file/,
        );
      });
    });
  },
);

Deno.test(
  "loadCheckpoint() skips training state tensors and refuses a weight that is not F32",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const file = `${dir}/model.safetensors`;
      const saved = tinyModel(1), restored = tinyModel(2);
      const state = [
        { name: "optimizer.4.dense.bias.m", shape: [10], data: new Float64Array(10) },
        { name: "train.permutation", shape: [3], data: Int32Array.of(2, 0, 1) },
      ];
      writeCheckpoint(file, saved.params(), { metadata: {}, state });
      const checkpoint = readCheckpoint(file);
      assert.deepEqual(checkpoint.tensors.slice(-2), state);
      loadCheckpoint(checkpoint, restored.params());
      assert.deepEqual(bits(restored), bits(saved));
      const [kernel, bias, weight, denseBias] = saved.params();
      const f64 = { name: denseBias!.name, shape: [10], data: new Float64Array(10) };
      writeCheckpoint(file, [kernel!, bias!, weight!], { metadata: {}, state: [f64] });
      assert.throws(() => loadCheckpoint(readCheckpoint(file), restored.params()), /'4\.dense\.bias' is not F32/);
      assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["model.safetensors"]);
    }),
);
