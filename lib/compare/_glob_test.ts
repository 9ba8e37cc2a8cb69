import assert from "node:assert/strict";
import { join } from "node:path";
import { expandGlob, isGlob } from "./_glob.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test("expandGlob matches *, ?, [..] and ** below a folder, sorted", io, () =>
  withTempDir(async (root) => {
    for (
      const path of [
        "a/r1/metrics.csv",
        "a/r2/metrics.csv",
        "a/x9/metrics.csv",
        "b/deep/r3/metrics.csv",
        "a/.hidden/metrics.csv",
      ]
    ) {
      await Deno.mkdir(join(root, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, path), "");
    }
    assert.ok(isGlob("a/*") && !isGlob("a/b"));
    assert.deepEqual(await expandGlob(join(root, "a", "r?")), [
      join(root, "a/r1"),
      join(root, "a/r2"),
    ]);
    assert.deepEqual(
      await expandGlob(join(root, "a", "[rx]*", "metrics.csv")),
      [
        join(root, "a/r1/metrics.csv"),
        join(root, "a/r2/metrics.csv"),
        join(root, "a/x9/metrics.csv"),
      ],
    );
    assert.deepEqual(await expandGlob(join(root, "**", "r3", "*.csv")), [
      join(root, "b/deep/r3/metrics.csv"),
    ]);
    assert.deepEqual(await expandGlob(join(root, "c", "*")), []);
  }));
