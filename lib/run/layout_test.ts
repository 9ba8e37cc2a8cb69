import assert from "node:assert/strict";
import { checkpointPath, createRunFolder, latestRunIn, runFile, runFileNames, runTitle } from "./layout.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test("createRunFolder() never reuses a folder", io, () =>
  withTempDir(async (root) => {
    const now = new Date("2026-11-22T01:02:03.456Z");
    const a = await createRunFolder(root, { experiment: "zhou", seed: 4, now });
    const b = await createRunFolder(root, { experiment: "zhou", seed: 4, now });
    assert.equal(a.id, "20261122-010203Z-seed4");
    assert.equal(b.id, "20261122-010203Z-seed4-2");
    assert.ok(Deno.statSync(b.dir).isDirectory);
  }));

Deno.test("createRunFolder() names a results folder it cannot create", io, () =>
  withTempDir(async (dir) => {
    const file = `${dir}/file`;
    await Deno.writeTextFile(file, "");
    await assert.rejects(
      createRunFolder(file, { experiment: "zhou", seed: 0, now: new Date() }),
      /cannot create the results folder .*zhou/,
    );
  }));

Deno.test("latestRunIn() picks the newest run folder, null for none", io, () =>
  withTempDir(async (root) => {
    assert.equal(latestRunIn(`${root}/none`), null);
    for (const id of ["20261122-010203Z-seed4", "20261123-000000Z-seed0"]) await Deno.mkdir(`${root}/${id}`);
    await Deno.writeTextFile(`${root}/zzz.txt`, "");
    assert.equal(latestRunIn(root), `${root}/20261123-000000Z-seed0`);
  }));

Deno.test("the run folder's files are named by role, checkpoints by arm", () => {
  assert.equal(runFile("r", "metrics"), "r/metrics.csv");
  assert.equal(checkpointPath("r", ""), "r/model.safetensors");
  assert.equal(checkpointPath("r", "both"), "r/model-both.safetensors");
  assert.equal(runFileNames(["a", "b"]).model_b, "model-b.safetensors");
});

Deno.test("runTitle() names a run by its experiment and id, and its arm", () => {
  assert.equal(runTitle("results/zhou/20261122-010203Z-seed4/"), "zhou/20261122-010203Z-seed4");
  assert.equal(runTitle("r/ablation/id", "both"), "ablation/id, arm both");
});
