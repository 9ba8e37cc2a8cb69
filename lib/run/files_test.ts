import assert from "node:assert/strict";
import { fullDisk, needs, withTempDir } from "../testing/io.ts";
import { RunFiles } from "./files.ts";
import { METRICS_HEADER, type MetricsRow, readMetrics } from "./metrics.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

const row: MetricsRow = {
  arm: "",
  split: "train",
  epoch: 1,
  step: 10,
  "samples_seen": 320,
  loss: 0.5,
  accuracy: 0.75,
  "macro_f1": null,
  "elapsed_s": 1,
};

Deno.test(
  "RunFiles.appendMetrics goes on after a cut-off last row, which it cuts away",
  io,
  () =>
    withTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/metrics.csv`, METRICS_HEADER + ",train,1,5,160,0.9,0.5,,0.500\n,train,1,1");
      new RunFiles(dir).appendMetrics(row);
      const table = await readMetrics(`${dir}/metrics.csv`);
      assert.deepEqual(table.warnings, []);
      assert.deepEqual(table.rows.map((r) => r.step), [5, 10]);
    }),
);

Deno.test(
  "RunFiles.appendMetrics leaves the file whole when a write fails, and names the file",
  io,
  () =>
    withTempDir((dir) => {
      const files = new RunFiles(dir, (path, data, options) => {
        Deno.writeFileSync(path, data.subarray(0, 7), options); // half a line, then the disk is full
        throw new Error("No space left on device (os error 28): write '/x'");
      });
      Deno.writeTextFileSync(`${dir}/metrics.csv`, METRICS_HEADER);
      assert.throws(() => files.appendMetrics(row), /^Error: cannot write \S+metrics\.csv: No space left on device/);
      assert.equal(Deno.readTextFileSync(`${dir}/metrics.csv`), METRICS_HEADER);
      return Promise.resolve();
    }),
);

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
    withTempDir((dir) => {
      for (const room of [0, 5]) {
        const files = new RunFiles(dir, fullDisk(() => true, { room }));
        assert.throws(() => files.startMetrics(), /cannot write \S+metrics\.csv: No space left on device/);
        assert.deepEqual(contents(dir), [], `room for ${room} bytes`);
      }
      const files = new RunFiles(dir);
      files.startMetrics();
      files.appendMetrics(row);
      const [[, whole]] = contents(dir);
      assert.throws(() => new RunFiles(dir, fullDisk(() => true, { room: 3 })).appendMetrics(row), /No space left/);
      assert.deepEqual(contents(dir), [["metrics.csv", whole!]], "a file with rows is cut back to them, not removed");
      return Promise.resolve();
    }),
);
