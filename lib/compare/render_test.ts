import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { threeRuns as fixture } from "../testing/fake_runs.ts";
import { formatDelta, formatSetting, formatValue, renderCsv, renderMarkdown, renderText } from "./render.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test(
  "renderText shows metrics with deltas, differing settings, verdicts, groups and a plain chart",
  io,
  () =>
    withTempDir(async (root) => {
      const comparison = await fixture(root);
      const text = renderText(comparison);
      assert.match(text, /differences from the baseline, a/);
      assert.match(
        text,
        /^a \(baseline\)\s+completed\s+test\s+2\s+0\.2000\s+0\.8000/m,
      );
      assert.match(
        text,
        /^c\s+completed\s+test\s+2\s+0\.1800 \(-0\.0200\)\s+0\.8200 \(\+0\.0200\)/m,
      );
      assert.match(text, /^lr\s+0\.01\s+0\.01\s+0\.005$/m);
      assert.match(text, /^seed\s+1\s+1\s+2$/m);
      assert.doesNotMatch(text, /^epochs /m);
      assert.match(text, /^a vs b: identical \(7 rows\)$/m);
      assert.match(text, /^lr=0\.01\s+a b\s+eval loss\s+2/m);
      assert.match(text, /validation accuracy by epoch/);
      assert.ok(text.split("\n").includes("─── a   --- b   ooo c"), "legend line");
      assert.ok(!text.includes("\x1b["), "no escape codes");
      assert.ok(renderText(comparison, { color: true }).includes("\x1b["));
    }),
);

Deno.test(
  "renderMarkdown writes pipe tables, a verdict list and a fenced chart",
  io,
  () =>
    withTempDir(async (root) => {
      const comparison = await fixture(root);
      const markdown = renderMarkdown(comparison);
      assert.match(markdown, /^## Final metrics$/m);
      assert.match(markdown, /^\| run \| status \| eval on \|/m);
      assert.match(
        markdown,
        /^\| c \| completed \| test \| 2 \| 0\.1800 \(-0\.0200\) \|/m,
      );
      assert.match(markdown, /^\| lr \| 0\.01 \| 0\.01 \| 0\.005 \|$/m);
      assert.match(markdown, /^- a vs b: identical \(7 rows\)$/m);
      assert.match(markdown, /```text\nvalidation accuracy by epoch\n/);
    }),
);

Deno.test("formatDelta signs differences and shows tiny ones in exponent form", () => {
  assert.equal(formatDelta(0, "eval_loss"), "±0");
  assert.equal(formatDelta(0.0123456, "eval_loss"), "+0.0123");
  assert.equal(formatDelta(-2e-9, "eval_accuracy"), "-2.0e-9");
  assert.equal(formatDelta(-12.34, "wall_seconds"), "-12.3");
});

Deno.test("formatValue and formatSetting show unknowns as a dash", () => {
  assert.equal(formatValue(null, "eval_loss"), "-");
  assert.equal(formatValue(NaN, "eval_loss"), "NaN");
  assert.equal(formatValue(123.456, "samples_per_second"), "123.5");
  assert.equal(formatSetting(undefined), "-");
  assert.equal(formatSetting("adam"), "adam");
  assert.equal(formatSetting(true), "true");
});

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
