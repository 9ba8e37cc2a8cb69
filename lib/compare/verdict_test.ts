import assert from "node:assert/strict";
import { join } from "node:path";
import { makeRun } from "../testing/fake_runs.ts";
import { loadRuns } from "./load.ts";
import { reproducibilityVerdicts } from "./verdict.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test(
  "reproducibilityVerdicts calls two same-seed runs identical despite different timing",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", { timeOffset: 3.5 });
      const { arms } = await loadRuns([a, b]);
      assert.notEqual(arms[0].raw[0].elapsed_s, arms[1].raw[0].elapsed_s);
      assert.deepEqual(reproducibilityVerdicts(arms), [
        { a: 0, b: 1, identical: true, difference: null, problem: null },
      ]);
    }),
);

Deno.test(
  "reproducibilityVerdicts names the first differing row and column with both values",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", {
        edit: (rows) =>
          rows.map((
            row,
            i,
          ) => (i >= 3 ? { ...row, accuracy: row.accuracy + 1e-12 } : row)),
      });
      const { arms } = await loadRuns([a, b]);
      const [verdict] = reproducibilityVerdicts(arms);
      assert.equal(verdict.identical, false);
      assert.deepEqual(verdict.difference, {
        row: 4,
        column: "accuracy",
        valueA: arms[0].raw[3].accuracy,
        valueB: arms[1].raw[3].accuracy,
        lineA: 5,
        lineB: 5,
        where: "train epoch 2 step 5",
      });
      assert.equal(verdict.difference!.valueA, "0.651");
      assert.equal(verdict.difference!.valueB, "0.651000000001");
    }),
);

Deno.test(
  "reproducibilityVerdicts reports a run that stops early as a missing row",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", {
        status: "interrupted",
        edit: (rows) => rows.slice(0, 4),
      });
      const { arms } = await loadRuns([a, b]);
      const [verdict] = reproducibilityVerdicts(arms);
      assert.equal(verdict.difference?.row, 5);
      assert.equal(verdict.difference?.column, "(row)");
      assert.equal(verdict.difference?.lineB, null);
    }),
);

Deno.test(
  "reproducibilityVerdicts pairs only runs sharing experiment, settings, seed and arm",
  io,
  () =>
    withTempDir(async (root) => {
      const dirs = [
        await makeRun(root, "a"),
        await makeRun(root, "seed2", { settings: { seed: 2 } }),
        await makeRun(root, "lr", { settings: { lr: 0.005 } }),
        await makeRun(root, "mnist", { experiment: "mnist" }),
        await makeRun(root, "bare", { noManifest: true }),
        await makeRun(root, "a2", { settings: { out: "elsewhere" } }),
      ];
      const { arms } = await loadRuns(dirs);
      assert.deepEqual(reproducibilityVerdicts(arms), []);
      assert.deepEqual(
        reproducibilityVerdicts(arms, { ignore: ["out"] }).map((
          v,
        ) => [v.a, v.b, v.identical]),
        [[0, 5, true]],
      );
      const abl = await makeRun(join(root, "x"), "abl", {
        arms: ["both", "conv_frozen"],
      });
      const abl2 = await makeRun(join(root, "y"), "abl", {
        arms: ["both", "conv_frozen"],
      });
      const multiArm = await loadRuns([abl, abl2]);
      assert.deepEqual(
        reproducibilityVerdicts(multiArm.arms).map((v) => [v.a, v.b, v.identical]),
        [
          [0, 2, true],
          [1, 3, true],
        ],
      );
    }),
);
