import assert from "node:assert/strict";
import { join } from "node:path";
import {
  formatMetricsRow,
  METRICS_COLUMNS,
  type MetricsRow,
  metricsText,
  readMetrics,
  TIMING_COLUMNS,
  untimedMetrics,
} from "./metrics.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

const train: MetricsRow = {
  arm: "",
  split: "train",
  epoch: 1,
  step: 100,
  "samples_seen": 3200,
  loss: 0.1 + 0.2,
  accuracy: 0.78125,
  "macro_f1": null,
  "elapsed_s": 4.23456,
};
const validation: MetricsRow = {
  ...train,
  split: "validation",
  loss: 0.5,
  accuracy: 0.8,
  "macro_f1": 0.7912345678901234,
  "elapsed_s": 5,
};

Deno.test("METRICS_COLUMNS fixes the column order and TIMING_COLUMNS the timing column", () => {
  assert.deepEqual(
    [...METRICS_COLUMNS],
    [
      "arm",
      "split",
      "epoch",
      "step",
      "samples_seen",
      "loss",
      "accuracy",
      "macro_f1",
      "elapsed_s",
    ],
  );
  assert.deepEqual([...TIMING_COLUMNS], ["elapsed_s"]);
});

Deno.test("formatMetricsRow writes full precision, 3-decimal time and an empty train macro_f1", () => {
  assert.deepEqual(formatMetricsRow(train), {
    arm: "",
    split: "train",
    epoch: "1",
    step: "100",
    "samples_seen": "3200",
    loss: "0.30000000000000004",
    accuracy: "0.78125",
    "macro_f1": "",
    "elapsed_s": "4.235",
  });
  assert.equal(formatMetricsRow({ ...train, loss: NaN }).loss, "NaN");
});

Deno.test("formatMetricsRow rejects an unknown split and a fractional epoch", () => {
  assert.throws(
    () => formatMetricsRow({ ...train, split: "dev" as "train" }),
    /split must be train, validation or test, got "dev"/,
  );
  assert.throws(
    () => formatMetricsRow({ ...train, epoch: 1.5 }),
    /epoch must be a non-negative integer/,
  );
});

Deno.test("metricsText rows read back equal through readMetrics", io, () =>
  withTempDir(async (dir) => {
    const path = join(dir, "metrics.csv");
    await Deno.writeTextFile(path, metricsText([train, validation]));
    const text = await Deno.readTextFile(path);
    assert.equal(text.split("\n")[0], METRICS_COLUMNS.join(","));
    const table = await readMetrics(path);
    assert.deepEqual(table.rows, [{ ...train, elapsed_s: 4.235 }, validation]);
    assert.equal(table.raw[1].macro_f1, "0.7912345678901234");
    assert.deepEqual(table.lines, [2, 3]);
    assert.deepEqual(table.warnings, []);
  }));

Deno.test(
  "readMetrics names the file and the columns found when the header is wrong",
  io,
  () =>
    withTempDir(async (dir) => {
      const path = join(dir, "other.csv");
      await Deno.writeTextFile(path, "epoch,loss,lr\n1,0.5,0.01\n");
      await assert.rejects(
        readMetrics(path),
        (error: Error) => {
          assert.match(error.message, /other\.csv is not a metrics file/);
          assert.match(error.message, /\["epoch","loss","lr"\]/);
          assert.match(
            error.message,
            /missing arm,split,step,samples_seen,accuracy,macro_f1,elapsed_s/,
          );
          assert.match(error.message, /unexpected lr/);
          return true;
        },
      );
    }),
);

Deno.test(
  "readMetrics skips unreadable rows and a truncated last line, with warnings",
  io,
  () =>
    withTempDir(async (dir) => {
      const path = join(dir, "metrics.csv");
      await Deno.writeTextFile(
        path,
        [
          METRICS_COLUMNS.join(","),
          ",train,1,10,320,0.9,0.5,,1.000",
          ",train,one,20,640,0.8,0.6,,2.000",
          ",dev,1,20,640,0.8,0.6,,2.000",
          ",train,1,30,960,NaN,0.1,,3.000",
          ",validation,1,30,960,0.7,0.7,0.6",
        ].join("\n"),
      );
      const table = await readMetrics(path);
      assert.equal(table.rows.length, 2);
      assert.ok(Number.isNaN(table.rows[1].loss));
      assert.equal(table.warnings.length, 3);
      assert.match(table.warnings[0], /metrics\.csv:6: last line has no newline/);
      assert.match(
        table.warnings[1],
        /metrics\.csv:3: epoch is "one", not a non-negative integer; row skipped/,
      );
      assert.match(table.warnings[2], /metrics\.csv:4: split is "dev"/);
    }),
);

Deno.test("untimedMetrics() empties elapsed_s and keeps every other byte", () => {
  const text = "arm,split,epoch,step,samples_seen,loss,accuracy,macro_f1,elapsed_s\n,train,1,10,10,0.5,0.6,,1.25\n";
  assert.equal(
    untimedMetrics(text),
    "arm,split,epoch,step,samples_seen,loss,accuracy,macro_f1,\n,train,1,10,10,0.5,0.6,,\n",
  );
  assert.equal(untimedMetrics(text.replace("1.25", "9.5")), untimedMetrics(text));
  assert.notEqual(untimedMetrics(text.replace("0.5", "0.50")), untimedMetrics(text));
});
