import assert from "node:assert/strict";
import { makeRun } from "../testing/fake_runs.ts";
import { buildComparison, findArm } from "./comparison.ts";
import { loadRuns } from "./load.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test(
  "buildComparison takes differences from the first run or the one named by baseline",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a", { testAccuracy: 0.8 });
      const b = await makeRun(root, "b", {
        testAccuracy: 0.85,
        settings: { lr: 0.005 },
      });
      const loaded = await loadRuns([a, b]);
      const first = buildComparison(loaded);
      assert.equal(first.baseline, 0);
      assert.equal(first.deltas[0].eval_accuracy, 0);
      assert.ok(Math.abs(first.deltas[1].eval_accuracy! - 0.05) < 1e-12);
      const named = buildComparison(loaded, { baseline: "b" });
      assert.ok(Math.abs(named.deltas[0].eval_accuracy! + 0.05) < 1e-12);
      assert.deepEqual(named.settings.map((d) => d.key), ["lr"]);
      assert.equal(named.showGroups, false);
      assert.equal(findArm(loaded.arms, `${b}/`), 1);
      assert.throws(
        () => buildComparison(loaded, { baseline: "zzz" }),
        /--baseline "zzz" matches no run; the runs are: a, b/,
      );
      assert.throws(
        () => buildComparison(loaded, { metric: "f1" }),
        /--metric .*"f1"/,
      );
      assert.throws(
        () => buildComparison(loaded, { x: "time" as "epoch" }),
        /--x must be epoch or samples, got "time"/,
      );
    }),
);
