import assert from "node:assert/strict";
import { join } from "node:path";
import { METRICS_COLUMNS } from "../run/mod.ts";
import { makeRun } from "../testing/fake_runs.ts";
import { loadRuns } from "./load.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");
/** Tests that also expand a glob pattern: node:fs/promises glob reads the environment. */
const ioGlob = needs("read", "write", "env");

Deno.test("loadRuns reads a run folder's metrics and manifest", io, () =>
  withTempDir(async (root) => {
    const dir = await makeRun(root, "run-a");
    const { arms, warnings } = await loadRuns([dir]);
    assert.deepEqual(warnings, []);
    assert.equal(arms.length, 1);
    assert.equal(arms[0].label, "run-a");
    assert.equal(arms[0].experiment, "fashion");
    assert.equal(arms[0].settings?.seed, 1);
    assert.equal(arms[0].rows.length, 7);
    assert.equal(arms[0].raw[0].split, "train");
    assert.deepEqual(arms[0].lines.slice(0, 2), [2, 3]);
  }));

Deno.test("loadRuns reads a metrics CSV given alone with its folder's manifest", io, () =>
  withTempDir(async (root) => {
    const dir = await makeRun(root, "run-a");
    const { arms, warnings } = await loadRuns([join(dir, "metrics.csv")]);
    assert.deepEqual(warnings, []);
    assert.equal(arms[0].manifest?.run_id, "run-a");
  }));

Deno.test("loadRuns warns about a missing folder and still loads the rest", io, () =>
  withTempDir(async (root) => {
    const dir = await makeRun(root, "run-a");
    const missing = join(root, "no-such-run");
    const { arms, warnings } = await loadRuns([missing, dir]);
    assert.equal(arms.length, 1);
    assert.deepEqual(warnings, [`${missing}: no such file or folder; skipped`]);
  }));

Deno.test(
  "loadRuns warns about a CSV that is not a metrics file, naming it and its columns",
  io,
  () =>
    withTempDir(async (root) => {
      const dir = await makeRun(root, "run-a");
      const other = join(root, "confusion.csv");
      await Deno.writeTextFile(other, "true,predicted,count\n0,0,5\n");
      const { arms, warnings } = await loadRuns([other, dir]);
      assert.equal(arms.length, 1);
      assert.ok(
        warnings.some((w) =>
          w.includes(`${other} is not a metrics file`) &&
          w.includes('"predicted"')
        ),
      );
    }),
);

Deno.test(
  "loadRuns warns about metrics columns that differ from the format and keeps the other runs",
  io,
  () =>
    withTempDir(async (root) => {
      const good = await makeRun(root, "run-a");
      const odd = await makeRun(root, "run-b");
      // A run written by a variant with an extra column: its manifest is still read.
      const text = await Deno.readTextFile(join(odd, "metrics.csv"));
      await Deno.writeTextFile(
        join(odd, "metrics.csv"),
        text.split("\n").map((
          line,
          i,
        ) => (line === "" ? line : `${line},${i === 0 ? "lr" : "0.01"}`)).join(
          "\n",
        ),
      );
      const { arms, warnings } = await loadRuns([good, odd]);
      assert.deepEqual(arms.map((r) => [r.label, r.rows.length]), [["run-a", 7], [
        "run-b",
        0,
      ]]);
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0],
        /run-b\/metrics\.csv is not a metrics file.*unexpected lr/,
      );
    }),
);

Deno.test("loadRuns keeps the rows before a truncated last line and says so", io, () =>
  withTempDir(async (root) => {
    const dir = await makeRun(root, "run-a", { status: "interrupted" });
    const path = join(dir, "metrics.csv");
    await Deno.writeTextFile(
      path,
      (await Deno.readTextFile(path)) + ",train,3,5,",
    );
    const { arms, warnings } = await loadRuns([dir]);
    assert.equal(arms[0].rows.length, 7);
    assert.equal(arms[0].truncatedLine, 9);
    assert.match(warnings[0], /metrics\.csv:9: last line has no newline/);
  }));

Deno.test(
  "loadRuns warns about a missing manifest and an unreadable one, and keeps their metrics",
  io,
  () =>
    withTempDir(async (root) => {
      const bare = await makeRun(root, "bare", { noManifest: true });
      const broken = await makeRun(root, "broken");
      await Deno.writeTextFile(
        join(broken, "manifest.json"),
        '{"experiment": "fashion", ',
      );
      const { arms, warnings } = await loadRuns([bare, broken]);
      assert.deepEqual(arms.map((r) => [r.label, r.settings, r.rows.length]), [[
        "bare",
        null,
        7,
      ], ["broken", null, 7]]);
      assert.equal(warnings.length, 2);
      assert.equal(
        warnings[0],
        `${join(bare, "metrics.csv")}: no manifest.json beside it; settings, status and wall time unknown`,
      );
      assert.match(
        warnings[1],
        new RegExp(`manifest ${join(broken, "manifest.json")} is not valid JSON`),
      );
    }),
);

Deno.test("loadRuns splits a multi-arm run into one run per arm", io, () =>
  withTempDir(async (root) => {
    const dir = await makeRun(root, "abl", {
      experiment: "ablation",
      arms: ["both", "conv_frozen", "dense_frozen"],
    });
    const { arms } = await loadRuns([dir]);
    assert.deepEqual(arms.map((r) => r.label), [
      "abl/both",
      "abl/conv_frozen",
      "abl/dense_frozen",
    ]);
    assert.ok(
      arms.every((r) => r.rows.length === 7 && r.rows.every((row) => row.arm === r.name)),
    );
  }));

Deno.test(
  "loadRuns expands globs and folders of runs, and --experiment puts reference runs first",
  ioGlob,
  () =>
    withTempDir(async (root) => {
      await makeRun(join(root, "fashion"), "r2");
      await makeRun(join(root, "fashion"), "r1");
      await makeRun(join(root, "reference", "fashion"), "ref");
      await makeRun(join(root, "mnist"), "m1", { experiment: "mnist" });
      const globbed = await loadRuns([
        join(root, "fashion", "r*", "metrics.csv"),
      ]);
      assert.deepEqual(globbed.arms.map((r) => r.label), ["r1", "r2"]);
      const deep = await loadRuns([join(root, "**", "r[12]")]);
      assert.deepEqual(deep.arms.map((r) => r.label), ["r1", "r2"]);
      const folder = await loadRuns([join(root, "fashion")]);
      assert.deepEqual(folder.arms.map((r) => r.label), ["r1", "r2"]);
      const experiment = await loadRuns([], {
        experiments: ["fashion"],
        resultsDir: root,
      });
      assert.deepEqual(experiment.arms.map((r) => r.label), [
        "reference/ref",
        "r1",
        "r2",
      ]);
      // The committed layout: results/reference/NAME/ is itself the run folder.
      await makeRun(join(root, "reference"), "zhou", { experiment: "zhou" });
      await makeRun(join(root, "zhou"), "z1", { experiment: "zhou" });
      const committed = await loadRuns([], { experiments: ["zhou"], resultsDir: root });
      assert.equal(committed.arms.length, 2);
      assert.match(committed.arms[0]!.label, /^reference\//);
      assert.equal(committed.arms[1]!.label, "z1");
      const none = await loadRuns([join(root, "nothing*")], {
        experiments: ["cifar"],
        resultsDir: root,
      });
      assert.equal(none.arms.length, 0);
      assert.equal(none.warnings.length, 2);
      assert.match(none.warnings[0], /--experiment cifar: no runs in/);
      assert.match(none.warnings[1], /nothing\*: the pattern matches nothing/);
    }),
);

Deno.test("loadRuns labels two runs with the same id by their folders", io, () =>
  withTempDir(async (root) => {
    const a = await makeRun(join(root, "x"), "same");
    const b = await makeRun(join(root, "y"), "same");
    const { arms } = await loadRuns([a, b, a]);
    assert.deepEqual(arms.map((r) => r.label), [a, b]);
  }));

Deno.test("loadRuns leaves out a folder with neither file, with a warning", io, () =>
  withTempDir(async (root) => {
    await Deno.mkdir(join(root, "empty"));
    const { arms, warnings } = await loadRuns([join(root, "empty")]);
    assert.equal(arms.length, 0);
    assert.match(warnings[0], /empty: not a run folder/);
    assert.equal(METRICS_COLUMNS.length, 9);
  }));
