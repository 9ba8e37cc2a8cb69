import assert from "node:assert/strict";
import { makeRun } from "../testing/fake_runs.ts";
import { describe, diffSettings, groupArms, settingsKey, type SettingsSource } from "./group.ts";
import { loadRuns } from "./load.ts";
import { summarizeArm } from "./summary.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test("describe gives mean, sample standard deviation, min and max of the finite values", () => {
  assert.deepEqual(describe([2, 4, 4, 4, 5, 5, 7, 9]), {
    n: 8,
    mean: 5,
    std: Math.sqrt(32 / 7),
    min: 2,
    max: 9,
  });
  assert.deepEqual(describe([3, null, NaN]), {
    n: 1,
    mean: 3,
    std: null,
    min: 3,
    max: 3,
  });
  assert.deepEqual(describe([]), {
    n: 0,
    mean: null,
    std: null,
    min: null,
    max: null,
  });
});

Deno.test(
  "groupRuns groups five seeds of two learning rates with hand-checked statistics",
  io,
  () =>
    withTempDir(async (root) => {
      // lr 0.005: 0.80..0.88, mean 0.84, sample sd sqrt(0.004 / 4) = 0.0316228
      // lr 0.01: 0.85..0.89, mean 0.87, sample sd sqrt(0.001 / 4) = 0.0158114
      const accuracies = {
        0.005: [0.8, 0.82, 0.84, 0.86, 0.88],
        0.01: [0.85, 0.86, 0.87, 0.88, 0.89],
      };
      const dirs: string[] = [];
      for (const [lr, values] of Object.entries(accuracies)) {
        for (const [i, accuracy] of values.entries()) {
          dirs.push(
            await makeRun(root, `lr${lr}-s${i + 1}`, {
              settings: { lr: Number(lr), seed: i + 1 },
              testAccuracy: accuracy,
            }),
          );
        }
      }
      const { arms } = await loadRuns(dirs);
      const groups = groupArms(arms, arms.map(summarizeArm));
      assert.deepEqual(groups.map((g) => [g.label, g.members]), [
        ["lr=0.005", [0, 1, 2, 3, 4]],
        ["lr=0.01", [5, 6, 7, 8, 9]],
      ]);
      const slow = groups[0].stats.eval_accuracy;
      assert.equal(slow.n, 5);
      assert.ok(Math.abs(slow.mean! - 0.84) < 1e-12);
      assert.ok(Math.abs(slow.std! - 0.0316227766) < 1e-9);
      assert.equal(slow.min, 0.8);
      assert.equal(slow.max, 0.88);
      const fast = groups[1].stats.eval_accuracy;
      assert.ok(Math.abs(fast.mean! - 0.87) < 1e-12);
      assert.ok(Math.abs(fast.std! - 0.0158113883) < 1e-9);
      // Grouping by seed instead puts one run of each lr together.
      const bySeed = groupArms(arms, arms.map(summarizeArm), {
        groupBy: ["seed"],
      });
      assert.deepEqual(bySeed.map((g) => [g.label, g.members]), [
        ["seed=1", [0, 5]],
        ["seed=2", [1, 6]],
        ["seed=3", [2, 7]],
        ["seed=4", [3, 8]],
        ["seed=5", [4, 9]],
      ]);
    }),
);

Deno.test("diffSettings keeps only the settings that differ, one value per run", () => {
  const arms: SettingsSource[] = [
    { experiment: "fashion", settings: { lr: 0.01, seed: 1, epochs: 3 } },
    { experiment: "fashion", settings: { lr: 0.005, seed: 2, epochs: 3 } },
    {
      experiment: "fashion",
      settings: { lr: 0.01, seed: 3, epochs: 3, momentum: 0.9 },
    },
  ];
  assert.deepEqual(diffSettings(arms), [
    { key: "lr", values: [0.01, 0.005, 0.01] },
    { key: "momentum", values: [undefined, undefined, 0.9] },
    { key: "seed", values: [1, 2, 3] },
  ]);
  assert.deepEqual(
    diffSettings(arms, { ignore: ["seed", "momentum"] }).map((d) => d.key),
    ["lr"],
  );
});

Deno.test("diffSettings lets runs without a manifest take no part, and shows differing experiments", () => {
  const arms: SettingsSource[] = [
    { experiment: "fashion", settings: { lr: 0.01 } },
    { experiment: null, settings: null },
    { experiment: "mnist", settings: { lr: 0.01 } },
  ];
  assert.deepEqual(diffSettings(arms), [{
    key: "experiment",
    values: ["fashion", undefined, "mnist"],
  }]);
});

Deno.test("settingsKey ignores key order and ignored keys", () => {
  assert.equal(settingsKey({ a: 1, b: "x" }), settingsKey({ b: "x", a: 1 }));
  assert.notEqual(settingsKey({ a: 1 }), settingsKey({ a: "1" }));
  assert.equal(
    settingsKey({ a: 1, out: "x" }, ["out"]),
    settingsKey({ a: 1, out: "y" }, ["out"]),
  );
});
