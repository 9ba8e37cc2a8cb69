/**
 * A run's `report.html`: one self-contained page (charts as inline SVG,
 * images as PNG data URIs, no script, no network) built from the run
 * folder's files alone, with each chart's Vega-Lite spec in `charts/`.
 *
 * @module
 */
import { type Manifest, readRunData, type RunData, RunFiles } from "../../run/mod.ts";
import { perClassMetrics } from "../../train/mod.ts";
import { repoPath, typedSettings } from "./command.ts";
import { type Cell, escapeHtml, figure, htmlTable, numberCell, page, section } from "./page.ts";
import { pictureSections } from "./pictures.ts";
import { type Chart, CURVES_LEGEND, fixed3, metricCharts } from "./run_charts.ts";
import { header, navigationBar, summary } from "./run_summary.ts";
import { confusionSpec } from "./specs.ts";
import { renderSvg, type VegaLiteSpec } from "./vega.ts";

/** A report: the page, and each chart's spec by file name (without `.vl.json`). */
export interface RunReport {
  /** The HTML document. */
  html: string;
  /** The Vega-Lite spec of each chart, by name. */
  specs: Map<string, VegaLiteSpec>;
}

/**
 * Builds the report of a run already read: at the top what is read at a glance (navigation and the run's files,
 * status, final metrics beside the write-up's, the command that reproduces the run), then one chart per metric,
 * the confusion matrices, the pictures, and the run's details.
 *
 * @param data what `readRunData` returned.
 * @returns the page and the chart specs.
 */
export async function buildRunReport(data: RunData): Promise<RunReport> {
  const { manifest } = data;
  const curves = metricCharts(data.rows, manifest);
  const confusions = data.confusions.map((c): Chart => ({
    name: `confusion-${c.arm ? c.arm + "-" : ""}${c.split}`,
    spec: confusionSpec(c.matrix, { classNames: c.classNames, title: `${label(c.arm, c.split)}: confusion matrix` }),
    caption: "Rows: true class; columns: predicted class; the number of images in each cell.",
  }));
  const render = async (charts: Chart[], wide = false) =>
    (await Promise.all(charts.map(async (c) => {
      const svg = await renderSvg(c.spec, { idPrefix: c.name });
      const html = figure(c.name, { svg, caption: c.caption, spec: `charts/${c.name}.vl.json`, wide });
      return c.points === undefined ? html : html.replace("<figure ", `<figure data-points="${c.points}" `);
    }))).join("\n");
  const sections = [
    `<section id="section-summary">${summary(manifest)}</section>`,
    section(
      "curves",
      "Training and evaluation curves",
      curves.length ? `<p>${CURVES_LEGEND}</p>` + await render(curves, true) : "<p>No metrics rows were recorded.</p>",
    ),
    section(
      "confusion",
      "Confusion matrices",
      confusions.length
        ? await render(confusions) + perClassTables(data)
        : "<p>Not recorded (the run ended before its final evaluation).</p>",
    ),
    pictureSections(data),
    section("run", "Run", runTable(manifest)),
    section("settings", "Settings", settingsTable(manifest)),
    section("data", "Data", dataTable(manifest)),
    data.warnings.length
      ? section("warnings", "Warnings", `<ul>${data.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`)
      : "",
  ].join("\n");
  const ids = [...sections.matchAll(/<section id="section-([\w-]+)"/g)].map((m) => m[1]!);
  const body = [navigationBar(data, ids), header(manifest), sections].join("\n");
  const title = `${manifest.experiment} ${manifest.run_id}: ${manifest.status}`;
  return { html: page(title, body), specs: new Map([...curves, ...confusions].map((c) => [c.name, c.spec])) };
}

/**
 * Reads a run folder and writes its `report.html` and `charts/*.vl.json`.
 *
 * @param dir the run folder.
 * @param options `manifest` to use instead of the folder's, or `data`, the folder already read; `put` writes a
 *   file (default: `RunFiles.put` into `dir`).
 * @returns the report's size in bytes.
 */
export async function writeRunReport(
  dir: string,
  options: { manifest?: Manifest; data?: RunData; put?: RunFiles["put"] } = {},
): Promise<number> {
  const report = await buildRunReport(options.data ?? await readRunData(dir, options));
  const put = options.put ?? ((file, text) => new RunFiles(dir).put(file, text));
  put("report", report.html);
  await Deno.mkdir(`${dir}/charts`, { recursive: true });
  for (const [name, spec] of report.specs) put(`charts/${name}.vl.json`, JSON.stringify(spec, null, 1) + "\n");
  return new TextEncoder().encode(report.html).length;
}

function label(arm: string, split: string): string {
  return arm ? `${arm}, ${split}` : split;
}

function runTable(m: Manifest): string {
  const rows: [string, string][] = [
    ["status", m.status + (m.status_detail ? ` (${m.status_detail})` : "")],
    ["started / ended", `${m.started_at} / ${m.ended_at ?? "-"}`],
    ["wall time", m.wall_seconds === null ? "-" : `${m.wall_seconds.toFixed(1)} s`],
    ["samples seen", m.samples_seen.toLocaleString("en-US")],
    ["git commit", `${m.git.commit ?? "unknown"}${m.git.dirty ? " (uncommitted changes)" : ""}`],
    ["runtime", `Deno ${m.runtime.deno}, V8 ${m.runtime.v8}, TypeScript ${m.runtime.typescript}`],
    ["machine", `${m.runtime.os} ${m.runtime.arch}, ${m.runtime.cpu}`],
    ...Object.entries(m.backends ?? {}).map(([arm, b]): [string, string] => [`backend${arm ? ` (${arm})` : ""}`, b]),
    ...Object.entries(m.transforms ?? {}).map(([arm, t]): [string, string] => [`pixels${arm ? ` (${arm})` : ""}`, t]),
    ...(m.init_from
      ? [["started from", `${repoPath(m.init_from.file)} (SHA-256 ${m.init_from.sha256})`] as [string, string]]
      : []),
  ];
  const models = Object.entries(m.models ?? {}).map(([arm, s]) =>
    `<h3>Model${arm ? ` (${escapeHtml(arm)})` : ""}</h3><pre>${escapeHtml(s)}</pre>`
  );
  return htmlTable(["", ""], rows) + models.join("\n");
}

/** Each setting as typed: `all` for no limit, and the flag that sets it. */
function settingsTable(m: Manifest): string {
  const rows = typedSettings(m.settings).map((s) => [
    s.name,
    s.value,
    s.words.length ? s.words.join(" ") : s.why ?? "(not given)",
  ]);
  return htmlTable(["setting", "value", "on the command line"], rows);
}

function dataTable(m: Manifest): string {
  const rows = m.datasets.flatMap((d) =>
    d.files.map((f) => [d.name + (d.modified ? " (modified)" : ""), repoPath(d.dir), d.source, f.name, f.sha256])
  );
  return "<p>Folders relative to the repository.</p>" +
    htmlTable(["dataset", "folder", "found by", "file", "SHA-256"], rows);
}

/** Per-class precision, recall and F1 for each confusion matrix. */
function perClassTables(data: RunData): string {
  return data.confusions.map((c) => {
    const rows = perClassMetrics(c.matrix).map(({ count, precision, recall, f1 }, k) =>
      [c.classNames[k] || String(k), count, ...[precision, recall, f1].map((v) => numberCell(fixed3(v)))] as Cell[]
    );
    return `<h3>${escapeHtml(label(c.arm, c.split))}: per class</h3>` +
      htmlTable(["class", "images", "precision", "recall", "F1"], rows);
  }).join("\n");
}
