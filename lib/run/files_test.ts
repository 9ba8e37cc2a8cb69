import assert from "node:assert/strict";
import { RunFiles } from "./files.ts";
import { METRICS_HEADER, type MetricsRow, readMetrics } from "./metrics.ts";
import { needs, withTempDir } from "../testing/io.ts";

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
