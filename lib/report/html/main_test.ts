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
      assert.equal((await capture(() => reportCli([`${out}/missing`]))).code, 2, "a folder without a manifest fails");
    }),
);

Deno.test(
  "reportCli() refuses a cut-off or wrongly shaped pictures.json, naming it, and keeps the report it has",
  needs("read", "write"),
  () =>
    withTempDir(async (out) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out, quiet: true }, terminal: false });
      const pictures = await Deno.readTextFile(`${runDir}/pictures.json`);
      const report = await Deno.readTextFile(`${runDir}/report.html`);
      const good = JSON.parse(pictures);
      const shortFilters = { ...good.arms[0], filters: { ...good.arms[0].filters, initial: [1, 2] } };
      const damaged: [string, RegExp][] = [
        [pictures.slice(0, pictures.length / 2), /pictures\.json is cut off or not JSON/],
        ["", /pictures\.json is cut off or not JSON/],
        [JSON.stringify({ ...good, arms: 5 }), /pictures\.json is not a run's pictures: arms is not a list/],
        [JSON.stringify([1]), /pictures\.json is not a run's pictures: it is not an object/],
        [
          JSON.stringify({ ...good, arms: [shortFilters] }),
          /pictures\.json is not a run's pictures: arms\[0\]\.filters\.initial has 2 numbers, expected 18/,
        ],
      ];
      for (const [text, expected] of damaged) {
        await Deno.writeTextFile(`${runDir}/pictures.json`, text);
        const { code, out: printed, err } = await capture(() => reportCli([runDir]));
        assert.equal(code, 2, text.slice(0, 40));
        assert.equal(printed, "");
        assert.match(err, /^report: \S+\/pictures\.json /);
        assert.match(err, expected);
        assert.match(err, /\(report\.html left as it was; .*move it away to build the report without it\)\n$/);
        assert.equal(err.split("\n").length, 2, "one line, no stack trace");
        assert.equal(await Deno.readTextFile(`${runDir}/report.html`), report, "the good report kept");
      }
      await Deno.remove(`${runDir}/pictures.json`);
      assert.equal((await capture(() => reportCli([runDir]))).code, 0, "without the file, the report is built");
      assert.match(await Deno.readTextFile(`${runDir}/report.html`), /Not recorded: pictures\.json/);
    }),
);
