/**
 * A run's `report.html`: one self-contained page (charts as inline SVG,
 * images as PNG data URIs, no script, no network) built from the run
 * folder's files alone, with each chart's Vega-Lite spec in `charts/`.
 *
 * @module
 */
import { escapeHtml, figure, htmlTable, page, section } from "./page.ts";
import { pictureSections } from "./pictures.ts";
import { confusionSpec, type CurvePoint, curveSpec, thin } from "./specs.ts";
import { renderSvg, type VegaLiteSpec } from "./vega.ts";
import { perClassMetrics } from "../../train/mod.ts";
import { type Manifest, type MetricsRow, readRunData, type RunData, RunFiles } from "../../run/mod.ts";

/** A report: the page, and each chart's spec by file name (without `.vl.json`). */
export interface RunReport {
  /** The HTML document. */
  html: string;
  /** The Vega-Lite spec of each chart, by name. */
  specs: Map<string, VegaLiteSpec>;
}

/** A chart to render: its name, spec and caption. */
interface Chart {
  name: string;
  spec: VegaLiteSpec;
  caption: string;
  points?: number;
}

/**
 * Builds the report of a run already read.
 *
 * @param data what `readRunData` returned.
 * @returns the page and the chart specs.
 */
export async function buildRunReport(data: RunData): Promise<RunReport> {
  const { manifest } = data;
  const curves = curveCharts(data.rows);
  const confusions = data.confusions.map((c) => ({
    name: `confusion-${c.arm ? c.arm + "-" : ""}${c.split}`,
    spec: confusionSpec(c.matrix, { classNames: c.classNames, title: `${label(c.arm, c.split)}: confusion matrix` }),
    caption: "Rows: true class; columns: predicted class; the number of images in each cell.",
  }));
  const render = async (charts: Chart[]) =>
    (await Promise.all(charts.map(async (c) => {
      const svg = await renderSvg(c.spec, { idPrefix: c.name });
      const html = figure(c.name, { svg, caption: c.caption, spec: `charts/${c.name}.vl.json` });
      return c.points === undefined ? html : html.replace("<figure ", `<figure data-points="${c.points}" `);
    }))).join("\n");
  const body = [
    header(manifest),
    section("run", "Run", runTable(manifest)),
    section(
      "settings",
      "Settings",
      htmlTable(["setting", "value"], Object.entries(manifest.settings).map(([k, v]) => [k, String(v)])),
    ),
    section("data", "Data", dataTable(manifest)),
    section("final", "Final metrics", finalTable(manifest)),
    section(
      "curves",
      "Training and evaluation curves",
      curves.length ? await render(curves) : "<p>No metrics rows were recorded.</p>",
    ),
    section(
      "confusion",
      "Confusion matrices",
      confusions.length
        ? await render(confusions) + perClassTables(data)
        : "<p>Not recorded (the run ended before its final evaluation).</p>",
    ),
    pictureSections(data),
    data.warnings.length
      ? section("warnings", "Warnings", `<ul>${data.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`)
      : "",
  ].join("\n");
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

function header(m: Manifest): string {
  const ok = m.status === "completed";
  const detail = m.status_detail ? `: ${m.status_detail}` : "";
  const banner = ok
    ? "This run completed."
    : `This run did not complete: it ended ${m.status}${detail}. The report shows what it recorded.`;
  return `<h1>${escapeHtml(m.title ?? m.experiment)}</h1>
<p>Experiment <code>${escapeHtml(m.experiment)}</code>, run <code>${escapeHtml(m.run_id)}</code>${
    m.source ? `; source: ${escapeHtml(m.source)}` : ""
  }</p>
<div id="status" class="status ${ok ? "completed" : "warn"}">${escapeHtml(banner)}</div>`;
}

function runTable(m: Manifest): string {
  const rows: [string, string][] = [
    ["status", m.status + (m.status_detail ? ` (${m.status_detail})` : "")],
    ["started / ended", `${m.started_at} / ${m.ended_at ?? "-"}`],
    ["wall time", m.wall_seconds === null ? "-" : `${m.wall_seconds.toFixed(1)} s`],
    ["samples seen", String(m.samples_seen)],
    ["git commit", `${m.git.commit ?? "unknown"}${m.git.dirty ? " (uncommitted changes)" : ""}`],
    ["runtime", `Deno ${m.runtime.deno}, V8 ${m.runtime.v8}, TypeScript ${m.runtime.typescript}`],
    ["machine", `${m.runtime.os} ${m.runtime.arch}, ${m.runtime.cpu}`],
    ...Object.entries(m.backends ?? {}).map(([arm, b]): [string, string] => [`backend${arm ? ` (${arm})` : ""}`, b]),
    ...Object.entries(m.transforms ?? {}).map(([arm, t]): [string, string] => [`pixels${arm ? ` (${arm})` : ""}`, t]),
  ];
  const models = Object.entries(m.models ?? {}).map(([arm, s]) =>
    `<h3>Model${arm ? ` (${escapeHtml(arm)})` : ""}</h3><pre>${escapeHtml(s)}</pre>`
  );
  return htmlTable(["", ""], rows) + models.join("\n");
}

function dataTable(m: Manifest): string {
  const rows = m.datasets.flatMap((d) =>
    d.files.map((f) => [d.name + (d.modified ? " (modified)" : ""), `${d.dir} (${d.source})`, f.name, f.sha256])
  );
  return htmlTable(["dataset", "folder (found by)", "file", "SHA-256"], rows);
}

function finalTable(m: Manifest): string {
  const rows = Object.entries(m.final_metrics).map(([key, f]) =>
    [key, f.loss, f.accuracy, f.macro_f1].map((v) => typeof v === "number" ? Number(v.toFixed(4)) : v)
  );
  return rows.length
    ? htmlTable(["arm/split", "loss", "accuracy", "macro-F1"], rows)
    : "<p>No final metrics (the run did not finish an evaluation).</p>";
}

/** Training loss and accuracy by samples seen; evaluation loss, accuracy and macro-F1 by epoch. */
function curveCharts(rows: MetricsRow[]): Chart[] {
  const arms = new Set(rows.map((r) => r.arm)).size;
  const evalSplits = new Set(rows.filter((r) => r.split !== "train").map((r) => r.split)).size;
  const seriesOf = (r: MetricsRow) =>
    [arms > 1 || r.arm ? r.arm : "", r.split === "train" || evalSplits > 1 ? r.split : ""].filter((s) => s).join(" ") ||
    r.split;
  const make = (name: string, split: "train" | "eval", metric: "loss" | "accuracy" | "macro_f1"): Chart | null => {
    const picked = rows.filter((r) => (split === "train") === (r.split === "train"));
    const all = picked.map((r): CurvePoint => ({
      series: seriesOf(r),
      x: split === "train" ? r.samples_seen : r.epoch,
      y: r[metric] ?? NaN,
    }));
    if (!all.some((p) => Number.isFinite(p.y))) return null;
    const { points, every } = thin(all);
    const note = every > 1
      ? `downsampled for the chart: every ${every}th of ${all.length} rows (metrics.csv keeps all)`
      : undefined;
    const what = metric === "macro_f1" ? "macro-F1" : metric;
    const spec = curveSpec(points, {
      title: split === "train" ? `training ${what} per logging interval` : `evaluation ${what} after each epoch`,
      subtitle: note,
      x: split === "train" ? "samples seen (images)" : "epoch",
      y: metric === "loss" ? "loss (mean cross-entropy, nats)" : `${what} (fraction, 0-1)`,
      xDiscrete: split === "eval",
    });
    const caption = split === "train"
      ? "Mean over each logging interval of the training images seen."
      : "Over the whole evaluated split.";
    return { name, spec, caption, points: points.filter((p) => Number.isFinite(p.y)).length };
  };
  return [
    make("train-loss", "train", "loss"),
    make("train-accuracy", "train", "accuracy"),
    make("eval-loss", "eval", "loss"),
    make("eval-accuracy", "eval", "accuracy"),
    make("eval-macro-f1", "eval", "macro_f1"),
  ].filter((c): c is Chart => c !== null);
}

/** Per-class precision, recall and F1 for each confusion matrix. */
function perClassTables(data: RunData): string {
  return data.confusions.map((c) => {
    const rows = perClassMetrics(c.matrix).map(({ count, precision, recall, f1 }, k) => [
      c.classNames[k] || String(k),
      count,
      ...[precision, recall, f1].map((v) => Number.isFinite(v) ? Number(v.toFixed(4)) : "-"),
    ]);
    return `<h3>${escapeHtml(label(c.arm, c.split))}: per class</h3>` +
      htmlTable(["class", "images", "precision", "recall", "F1"], rows);
  }).join("\n");
}
