import assert from "node:assert/strict";
import { fullDisk, needs, withTempDir } from "../testing/io.ts";
import { RunFiles } from "./files.ts";
import type { MetricsRow } from "./metrics.ts";

const io = needs("read", "write");

/** Each file of `dir` (recursively) with its text. */
function contents(dir: string, prefix = ""): [string, string][] {
  return [...Deno.readDirSync(`${dir}/${prefix}`)].flatMap((e): [string, string][] =>
    e.isDirectory
      ? contents(dir, `${prefix}${e.name}/`)
      : [[`${prefix}${e.name}`, Deno.readTextFileSync(`${dir}/${prefix}${e.name}`)]]
  ).sort();
}

Deno.test(
  "RunFiles.put() on a full disk keeps the file it would replace, and leaves no empty or temporary file",
  io,
  () =>
    withTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/charts`);
      new RunFiles(dir).put("report", "<p>the good report</p>");
      new RunFiles(dir).put("charts/loss.vl.json", "{}\n");
      const before = contents(dir);
      for (const room of [0, 5]) {
        const files = new RunFiles(dir, fullDisk(() => true, { room }));
        for (const file of ["report", "pictures", "charts/loss.vl.json", "charts/new.vl.json"] as const) {
          assert.throws(
            () => files.put(file, "<p>a poorer report</p>"),
            new RegExp(`^Error: cannot write ${dir}/\\S+: No space left on device`),
          );
          assert.deepEqual(contents(dir), before, `${file}, room for ${room} bytes`);
        }
      }
    }),
);

Deno.test(
  "RunFiles.startMetrics() on a full disk leaves no metrics.csv, empty or cut off",
  io,
  () =>
    withTempDir(async (dir) => {
      for (const room of [0, 5]) {
        const files = new RunFiles(dir, fullDisk(() => true, { room }));
        assert.throws(() => files.startMetrics(), /cannot write \S+metrics\.csv: No space left on device/);
        assert.deepEqual(contents(dir), [], `room for ${room} bytes`);
      }
      const files = new RunFiles(dir);
      files.startMetrics();
      const row: MetricsRow = {
        arm: "",
        split: "train",
        epoch: 1,
        step: 1,
        samples_seen: 1,
        loss: 1,
        accuracy: 0.5,
        macro_f1: null,
        elapsed_s: 0,
      };
      files.appendMetrics(row);
      const [[, whole]] = contents(dir);
      assert.throws(() => new RunFiles(dir, fullDisk(() => true, { room: 3 })).appendMetrics(row), /No space left/);
      assert.deepEqual(contents(dir), [["metrics.csv", whole!]], "a file with rows is cut back to them, not removed");
    }),
);
