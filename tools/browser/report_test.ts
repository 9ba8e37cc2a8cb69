/// <reference lib="dom" />
import assert from "node:assert/strict";
import { compareCli } from "../../lib/compare/mod.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { needs, skipReason, withTempDir } from "../../lib/testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../../lib/testing/tiny_experiment.ts";
import { readMetrics } from "../../lib/run/mod.ts";
import { CHROMIUM_PATH, hasChromium, visitPage } from "./browser.ts";

/** The browser tests run Chromium and write run folders; without Chromium they are skipped, saying why. */
const permitted = needs("read", "write", "env", { name: "run", command: CHROMIUM_PATH });
const browser = (name: string) =>
  permitted.ignore
    ? { name, ignore: true }
    : skipReason(name, !hasChromium() && `no Chromium at ${CHROMIUM_PATH} (install it: apt-get install chromium)`);

/** What the page shows: each chart's marks, each image's size. */
interface Seen {
  charts: { name: string; points: number; symbols: number; lines: number; rects: number; width: number }[];
  images: { kind: string; width: number; complete: boolean }[];
  status: string;
  tables: number;
}

/** Counts the SVG marks of each chart (`figure[data-chart]`) and the decoded size of each `img`. */
function inspect(page: import("puppeteer-core").Page): Promise<Seen> {
  return page.evaluate(() => ({
    charts: [...document.querySelectorAll("figure[data-chart]")].map((f) => ({
      name: f.getAttribute("data-chart")!,
      points: Number(f.getAttribute("data-points") ?? NaN),
      symbols: f.querySelectorAll("svg g.mark-symbol.role-mark path").length,
      lines: f.querySelectorAll("svg g.mark-line.role-mark path").length,
      rects: f.querySelectorAll("svg g.mark-rect.role-mark path").length,
      width: f.querySelector("svg")?.getBoundingClientRect().width ?? 0,
    })),
    images: [...document.querySelectorAll("img")].map((img) => ({
      kind: img.getAttribute("data-kind") ?? "",
      width: img.naturalWidth,
      complete: img.complete,
    })),
    status: document.querySelector("#status")?.textContent ?? "",
    tables: document.querySelectorAll("table").length,
  }));
}

const count = (seen: Seen, kind: string) => seen.images.filter((i) => i.kind === kind).length;

Deno.test(
  browser("report.html of a two-arm run opens in Chromium with every chart and image"),
  () =>
    withTempDir(async (out) => {
      const { runDir } = await runExperiment(tinyArmsExperiment, { controls: { out, quiet: true }, terminal: false });
      const shot = `${out}/report.png`;
      const { problems, result } = await visitPage(`${runDir}/report.html`, { inspect, screenshot: shot });
      const seen = result!;
      assert.deepEqual(problems, [], "no console error or failed resource");
      assert.match(seen.status, /This run completed/);
      const names = seen.charts.map((c) => c.name);
      const expected = ["train-loss", "train-accuracy", "eval-loss", "eval-accuracy", "eval-macro-f1"];
      assert.deepEqual(names, [...expected, "confusion-trained-test", "confusion-frozen-test"]);
      for (const c of seen.charts) assert.ok(c.width > 100, `${c.name} is drawn`);
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      const chart = (name: string) => seen.charts.find((c) => c.name === name)!;
      const trainRows = rows.filter((r) => r.split === "train").length;
      assert.equal(chart("train-loss").symbols, trainRows, "one point per training row of metrics.csv");
      assert.equal(chart("train-loss").points, trainRows);
      assert.equal(chart("train-loss").lines, 2, "one line per arm");
      assert.equal(chart("eval-accuracy").symbols, rows.length - trainRows, "one point per evaluation row");
      assert.equal(chart("confusion-frozen-test").rects, 100, "10 x 10 cells");
      assert.ok(seen.images.every((i) => i.complete && i.width > 0), "every image decodes");
      assert.equal(count(seen, "filter"), 2 * 2 * 2, "2 filters, before and after, per arm");
      assert.equal(count(seen, "input"), 2 * 4, "4 images per arm");
      assert.equal(count(seen, "feature-map"), 2 * 4 * 2 * 2, "2 maps, initial and trained filters, per image");
      assert.ok(count(seen, "misclassified") > 0);
      assert.ok((await Deno.stat(shot)).size > 20_000, "a screenshot was saved");
    }),
);

Deno.test(
  browser("compare --html draws every run and the group mean with its band, in Chromium"),
  () =>
    withTempDir(async (out) => {
      const dirs: string[] = [];
      for (const seed of [0, 1, 2]) {
        const run = await runExperiment(tinyExperiment, {
          overrides: { seed },
          controls: { out, quiet: true },
          terminal: false,
        });
        dirs.push(run.runDir);
      }
      const file = `${out}/compare.html`;
      const cli = await compareCli([...dirs, "--group-by", "lr", "--html", file]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stderr, /HTML report: .*compare\.html/);
      const { problems, result } = await visitPage(file, { inspect, screenshot: `${out}/compare.png` });
      const seen = result!;
      assert.deepEqual(problems, []);
      assert.deepEqual(seen.charts.map((c) => c.name), ["runs", "groups"]);
      const [runs, groups] = seen.charts;
      assert.equal(runs!.symbols, 3 * 2, "3 runs x 2 epochs of test accuracy");
      assert.equal(runs!.lines, 3);
      assert.equal(groups!.symbols, 2, "the group's mean at 2 epochs");
      assert.ok(groups!.width > 100);
      assert.ok(seen.tables >= 3, "final metrics, settings and groups tables");
      assert.ok((await Deno.stat(`${out}/compare-charts/groups.vl.json`)).size > 0);
    }),
);
