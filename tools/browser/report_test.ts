/// <reference lib="dom" />
import assert from "node:assert/strict";
import { compareCli } from "../../lib/compare/mod.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { needs, skipReason, withTempDir } from "../../lib/testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../../lib/testing/tiny_experiment.ts";
import { type MetricsRow, readMetrics } from "../../lib/run/mod.ts";
import { CHROMIUM_PATH, hasChromium, visitPage } from "./browser.ts";

/** The browser tests run Chromium and write run folders; without Chromium they are skipped, saying why. */
const permitted = needs("read", "write", "env", { name: "run", command: CHROMIUM_PATH });
const browser = (name: string) =>
  permitted.ignore
    ? { name, ignore: true }
    : skipReason(name, !hasChromium() && `no Chromium at ${CHROMIUM_PATH} (install it: apt-get install chromium)`);

/** A curve's point as drawn: its label (`arm, split, N samples: value`) and its x in the chart's pixels. */
interface SeenPoint {
  label: string;
  x: number;
}

/** What the page shows: each chart's marks, each image's size, the navigation's links, the command line. */
interface Seen {
  charts: {
    name: string;
    points: number;
    symbols: number;
    lines: number;
    rects: number;
    rules: string[];
    width: number;
    drawn: SeenPoint[];
  }[];
  images: { kind: string; width: number; complete: boolean }[];
  status: string;
  tables: number;
  navigation: { href: string; target: boolean }[];
  command: string;
  pageWidth: number;
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
      rules: [...f.querySelectorAll("svg g.mark-rule.role-mark line")].map((l) => l.getAttribute("transform") ?? ""),
      width: f.querySelector("svg")?.getBoundingClientRect().width ?? 0,
      drawn: [...f.querySelectorAll("svg g.mark-symbol.role-mark path")].map((p) => ({
        label: p.getAttribute("aria-label") ?? "",
        x: Number(/translate\(([-\d.e]+),/.exec(p.getAttribute("transform") ?? "")?.[1] ?? NaN),
      })),
    })),
    navigation: [...document.querySelectorAll("nav#navigation a")].map((a) => ({
      href: a.getAttribute("href") ?? "",
      target: a.getAttribute("href")!.startsWith("#") && !!document.getElementById(a.getAttribute("href")!.slice(1)),
    })),
    command: document.querySelector("#command")?.textContent ?? "",
    pageWidth: document.querySelector("#section-curves")?.getBoundingClientRect().width ?? 0,
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

/** The two-arm tiny experiment with figures of a write-up, so that its report draws reference lines. */
const withReported = {
  ...tinyArmsExperiment,
  reported: [{ arm: "trained", split: "test" as const, accuracy: 0.5 }, { split: "test" as const, loss: 2 }],
};

Deno.test(
  browser("report.html of a two-arm run opens in Chromium with every chart and image"),
  () =>
    withTempDir(async (out) => {
      const { runDir } = await runExperiment(withReported, { controls: { out, quiet: true }, terminal: false });
      const shot = `${out}/report.png`;
      const { problems, result } = await visitPage(`${runDir}/report.html`, { inspect, screenshot: shot });
      const seen = result!;
      assert.deepEqual(problems, [], "no console error or failed resource");
      assert.match(seen.status, /This run completed/);
      const names = seen.charts.map((c) => c.name);
      assert.deepEqual(names, ["loss", "accuracy", "macro-f1", "confusion-trained-test", "confusion-frozen-test"]);
      for (const c of seen.charts) assert.ok(c.width > 100, `${c.name} is drawn`);
      const { rows } = await readMetrics(`${runDir}/metrics.csv`);
      const chart = (name: string) => seen.charts.find((c) => c.name === name)!;
      const trainRows = rows.filter((r) => r.split === "train").length;
      assert.equal(chart("loss").symbols, rows.length, "one point per row of metrics.csv, training and test");
      assert.equal(chart("loss").points, rows.length);
      assert.equal(chart("loss").lines, 4, "a training and a test line per arm");
      assert.equal(chart("macro-f1").symbols, rows.length - trainRows, "one point per evaluation row");
      assert.equal(chart("confusion-frozen-test").rects, 100, "10 x 10 cells");
      assert.ok(seen.images.every((i) => i.complete && i.width > 0), "every image decodes");
      assert.equal(count(seen, "filter"), 2 * 2 * 2, "2 filters, before and after, per arm");
      assert.equal(count(seen, "input"), 2 * 4, "4 images per arm");
      assert.equal(count(seen, "feature-map"), 2 * 4 * 2 * 2, "2 maps, initial and trained filters, per image");
      assert.ok(count(seen, "misclassified") > 0);
      assert.ok((await Deno.stat(shot)).size > 20_000, "a screenshot was saved");
      assertSameAxis(chart("accuracy").drawn, rows.filter((r) => r.arm === "trained"));
      assert.ok(chart("loss").width > 0.9 * seen.pageWidth, "a curve is as wide as the page");
      assert.equal(chart("accuracy").rules.length, 1, "the write-up's accuracy as a line");
      assert.equal(chart("loss").rules.length, 1, "the write-up's loss as a line");
      assert.equal(chart("macro-f1").rules.length, 0, "the write-up states no macro-F1");
      await assertNavigation(seen, runDir);
      assert.match(
        seen.command,
        /^deno task exp tiny_arms --seed 0 --epochs 2 .*--train-limit 60 .*--arm trained,frozen/,
      );
    }),
);

/** Training and test points of one arm in one chart, and at the same number of samples at the same x pixel. */
function assertSameAxis(drawn: SeenPoint[], rows: MetricsRow[]) {
  const at = (split: string, samples: number) => {
    const point = drawn.find((p) => p.label.startsWith(`${rows[0]!.arm}, ${split}, ${samples} samples:`));
    assert.ok(point, `${split} at ${samples} samples is drawn in the chart`);
    return point.x;
  };
  const test = rows.filter((r) => r.split === "test");
  assert.ok(test.length > 0);
  for (const r of test) {
    assert.ok(rows.some((t) => t.split === "train" && t.samples_seen === r.samples_seen));
    assert.ok(Math.abs(at("train", r.samples_seen) - at("test", r.samples_seen)) < 0.01, "the same x axis");
  }
  assert.ok(at("test", test.at(-1)!.samples_seen) > at("test", test[0]!.samples_seen), "x grows with samples");
}

/** Each link of the bar reaches its section, or a file of the run folder by a relative path. */
async function assertNavigation(seen: Seen, runDir: string) {
  const sections = seen.navigation.filter((l) => l.href.startsWith("#"));
  assert.ok(sections.length >= 8 && sections.every((l) => l.target), "each section link has its section");
  const files = seen.navigation.filter((l) => !l.href.startsWith("#")).map((l) => l.href);
  for (
    const name of ["metrics.csv", "model-trained.safetensors", "predictions.csv", "confusion.csv", "manifest.json"]
  ) {
    assert.ok(files.includes(name), `a link to ${name}`);
  }
  for (const href of files) assert.ok((await Deno.stat(`${runDir}/${href}`)).isFile, `${href} is in the run folder`);
}

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
