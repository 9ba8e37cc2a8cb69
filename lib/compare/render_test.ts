import assert from "node:assert/strict";
import { threeRuns as fixture } from "../testing/fake_runs.ts";
import { renderMarkdown, renderText } from "./render.ts";
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
