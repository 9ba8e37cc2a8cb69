import assert from "node:assert/strict";
import { needs, withTempDir } from "../testing/io.ts";
import { expandPlan, flagsOf, MAX_RUNS, parseAssignments, readPlan, runKey, type SweepSpec } from "./plan.ts";
import { UsageError } from "../experiment/mod.ts";

const TESTS_DIR = "lib/sweep/_test_experiments";
const spec = (over: Partial<SweepSpec> = {}): SweepSpec => ({
  experiments: ["tiny"],
  grid: { lr: ["0.005", "0.01"] },
  set: { epochs: "1" },
  seeds: [0, 1, 2],
  ...over,
});

Deno.test("runKey() is stable, ignores the settings' order, and differs per seed and setting", async () => {
  const a = await runKey({ experiment: "zhou", settings: { lr: "0.01", epochs: "1" }, seed: 0 });
  assert.equal(a, await runKey({ experiment: "zhou", settings: { epochs: "1", lr: "0.01" }, seed: 0 }));
  assert.match(a, /^zhou-[0-9a-f]{12}$/);
  assert.notEqual(a, await runKey({ experiment: "zhou", settings: { lr: "0.01", epochs: "1" }, seed: 1 }));
  assert.notEqual(a, await runKey({ experiment: "zhou", settings: { lr: "0.02", epochs: "1" }, seed: 0 }));
});

Deno.test("parseAssignments() splits values, makes paths absolute and refuses an empty grid", () => {
  assert.deepEqual(parseAssignments(["lr=0.1, 0.2", "data-dir=d"], "/w"), { lr: ["0.1", "0.2"], "data-dir": ["/w/d"] });
  assert.throws(() => parseAssignments(["lr="], "/w"), /empty grid/);
  assert.throws(() => parseAssignments(["lr"], "/w"), /NAME=VALUE/);
  assert.deepEqual(flagsOf({ lr: "-1", full: "true", quiet: "false" }), ["--lr=-1", "--full"]);
});

Deno.test("expandPlan() expands experiments x grid x seeds with distinct keys", needs("read"), async () => {
  const runs = await expandPlan(spec(), { experimentsDir: TESTS_DIR });
  assert.equal(runs.length, 6);
  assert.deepEqual(runs.map((r) => [r.settings.lr, r.seed]), [
    ["0.005", 0],
    ["0.005", 1],
    ["0.005", 2],
    ["0.01", 0],
    ["0.01", 1],
    ["0.01", 2],
  ]);
  assert.equal(new Set(runs.map((r) => r.key)).size, 6);
  assert.deepEqual(runs.map((r) => r.index), [0, 1, 2, 3, 4, 5]);
});

Deno.test("expandPlan() refuses bad input before anything runs", needs("read"), async (t) => {
  const refuses = (over: Partial<SweepSpec>, message: RegExp, yes = false) =>
    assert.rejects(expandPlan(spec(over), { experimentsDir: TESTS_DIR, yes }), (e) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, message);
      return true;
    });
  await t.step(
    "unknown experiment",
    () => refuses({ experiments: ["nope"] }, /unknown experiment 'nope'/),
  );
  await t.step(
    "unknown flag",
    () => refuses({ grid: { lrr: ["1"] } }, /tiny: unknown flag --lrr$/),
  );
  await t.step("bad value", () => refuses({ grid: { lr: ["-1"] } }, /--lr: got '-1'/));
  await t.step("a flag the sweep sets", () => refuses({ set: { out: "x" } }, /--out is set by the sweep/));
  await t.step("empty grid", () => refuses({ grid: { lr: [] } }, /empty grid/));
  const seeds = Array.from({ length: MAX_RUNS / 2 + 1 }, (_, i) => i);
  await t.step("too many runs", () => refuses({ seeds }, /202 runs is more than 200; add --yes/));
  assert.equal((await expandPlan(spec({ seeds }), { experimentsDir: TESTS_DIR, yes: true })).length, 202);
});

Deno.test(
  "readPlan() refuses a plan edited after planning and one that does not parse",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const runs = await expandPlan(spec(), { experimentsDir: TESTS_DIR });
      const plan = { name: "t", experimentsDir: TESTS_DIR, spec: spec(), runs };
      await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(plan));
      assert.equal((await readPlan(dir)).runs.length, 6);
      runs[4]!.settings.lr = "0.02";
      await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(plan));
      await assert.rejects(readPlan(dir), /run 4 \(key tiny-[0-9a-f]+\) was edited after planning \(key mismatch\)/);
      await Deno.writeTextFile(`${dir}/plan.json`, "{");
      await assert.rejects(readPlan(dir), UsageError);
      const refused = async (edited: unknown, expected: RegExp) => {
        await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(edited));
        await assert.rejects(readPlan(dir), (e: Error) => (assert.match(e.message, expected), e instanceof UsageError));
      };
      const good = await expandPlan(spec(), { experimentsDir: TESTS_DIR });
      await refused({ ...plan, runs: [null, ...good.slice(1)] }, /plan\.json: run 0 is not a planned run \(null\)/);
      await refused({ ...plan, runs: [{ ...good[0], seed: "0" }] }, /run 0 is not a planned run/);
      await refused({ ...plan, runs: good, experimentsDir: "experiments" }, /run 0 .* was edited after planning/);
      await refused({ ...plan, runs: good, experimentsDir: 3 }, /"experimentsDir" is not a folder name/);
    }),
);
