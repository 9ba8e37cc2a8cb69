import assert from "node:assert/strict";
import { runExperiment } from "../../experiment/mod.ts";
import { capture, needs, withTempDir } from "../../testing/io.ts";
import { tinyExperiment } from "../../testing/tiny_experiment.ts";
import { reportCli } from "./main.ts";

Deno.test(
  "reportCli() rebuilds report.html and the chart specs from the run folder alone",
  needs("read", "write"),
  () =>
    withTempDir(async (out) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out, quiet: true }, terminal: false });
      const written = await Deno.readTextFile(`${runDir}/report.html`);
      await Deno.remove(`${runDir}/report.html`);
      await Deno.remove(`${runDir}/charts`, { recursive: true });
      assert.equal((await capture(() => reportCli([runDir.slice(out.length + 1)], { cwd: out }))).code, 0);
      assert.equal(await Deno.readTextFile(`${runDir}/report.html`), written, "the same page as the run wrote");
      const specs = [...Deno.readDirSync(`${runDir}/charts`)].map((e) => e.name).sort();
      assert.deepEqual(specs, [
        "accuracy.vl.json",
        "confusion-test.vl.json",
        "loss.vl.json",
        "macro-f1.vl.json",
      ]);
      assert.match(written, /<svg[^>]*class="marks"/);
      assert.doesNotMatch(written, /<script|src="http|href="http/, "no script, nothing from the network");
      assert.equal((await capture(() => reportCli([`${out}/missing`]))).code, 1, "a folder without a manifest fails");
    }),
);
