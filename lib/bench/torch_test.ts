// PyTorch's side of `bench --compare-torch`: it trains the network it is given, on OpenBLAS where
// Debian's is installed, without the OpenBLAS variables that slow it.
import assert from "node:assert/strict";
import { loadDataset } from "../data/mod.ts";
import { needs, withTempDir } from "../testing/io.ts";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { benchmarkTorch, TORCH_PYTHON, torchMissing } from "./torch.ts";

const permitted = !needs("read", "write", "env", { name: "run", command: TORCH_PYTHON }).ignore;
const missing = permitted ? await torchMissing() : "no permission";

Deno.test("bench --compare-torch trains the network in PyTorch, without OPENBLAS_CORETYPE", {
  ignore: missing !== undefined,
}, () =>
  withTempDir(async (dir) => {
    const data = await loadDataset("fashion-mnist");
    const before = Deno.env.get("OPENBLAS_CORETYPE");
    Deno.env.set("OPENBLAS_CORETYPE", "Haswell");
    try {
      const { row, timing } = await benchmarkTorch(tinyExperiment, data, {
        batch: 4,
        threads: 1,
        rounds: 2,
        scratch: dir,
        warmupSeconds: 0.05,
      });
      assert.equal(row.backend, "torch");
      assert.equal(row.network, tinyExperiment.name);
      assert.ok(row.us_per_step_median > 0 && Number.isFinite(row.us_per_step_median));
      assert.equal(row.images_per_s, 4e6 / row.us_per_step_median);
      assert.deepEqual(timing.env, { OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null });
      assert.ok(timing.blas.some((path) => /blas/.test(path)), `no BLAS mapped: ${timing.blas}`);
      assert.deepEqual([...Deno.readDirSync(dir)], [], "the scratch folder is left empty");
    } finally {
      if (before === undefined) Deno.env.delete("OPENBLAS_CORETYPE");
      else Deno.env.set("OPENBLAS_CORETYPE", before);
    }
  }));

if (missing !== undefined && permitted) console.log(`bench --compare-torch test skipped: ${missing}`);
