import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { threeRuns as fixture } from "../testing/fake_runs.ts";
import { renderCsv } from "./render_csv.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test(
  "renderCsv writes one row per run, or per group and metric, at full precision",
  io,
  () =>
    withTempDir(async (root) => {
      const comparison = await fixture(root);
      const arms = parse(renderCsv(comparison), { columns: true }) as Record<
        string,
        string
      >[];
      assert.deepEqual(
        arms.map((r) => [r.run, r.baseline, r["setting:lr"], r["setting:seed"]]),
        [
          ["a", "true", "0.01", "1"],
          ["b", "false", "0.01", "1"],
          ["c", "false", "0.005", "2"],
        ],
      );
      assert.equal(arms[2].eval_accuracy, "0.82");
      assert.equal(Number(arms[2].eval_accuracy_delta), 0.82 - 0.8);
      const groups = parse(renderCsv(comparison, { groups: true }), {
        columns: true,
      }) as Record<string, string>[];
      const accuracy = groups.find((g) => g.group === "lr=0.01" && g.metric === "eval_accuracy")!;
      assert.deepEqual([accuracy.n, accuracy.mean, accuracy.std, accuracy.runs], [
        "2",
        "0.8",
        "0",
        "a b",
      ]);
    }),
);
