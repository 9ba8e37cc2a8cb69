// A run's `report.html`: one self-contained page (charts as inline SVG, images as PNG data URIs, no script, no
// network) built from the run folder's files alone, with each chart's Vega-Lite spec in `charts/`.
import type { FinalMetrics, Manifest, MetricsRow, ReportedResult } from "../../run/mod.ts";
import { readRunData, type RunData, RunFiles } from "../../run/mod.ts";
import { perClassMetrics } from "../../train/mod.ts";
import { repoPath, reproduceCommand, typedSettings } from "./command.ts";
import { type Cell, escapeHtml, htmlList, htmlTable, page, section } from "./page.ts";
import { pictureSections } from "./pictures.ts";
import { type Chart, confusionSpec, figures, type MetricPoint, metricSpec, type ReferenceLine, thin } from "./specs.ts";

/**
 * Writes a run's report by `put` (default: into `dir`) from `data`, else the folder read (with `manifest` for its
 * own): at the top what is read at a glance (the run's files, status, final metrics beside the write-up's, the
 * command that reproduces it), then a chart per metric, the confusion matrices, the pictures, the run's details.
 * Returns the report's size in bytes.
 */
export async function writeRunReport(
  dir: string,
  options: { manifest?: Manifest; data?: RunData; put?: RunFiles["put"] } = {},
): Promise<number> {
  const data = options.data ?? await readRunData(dir, options);
  const { manifest } = data;
  const curves = metricCharts(data.rows, manifest);
  const confusions = data.confusions.map((c): Chart => ({
    name: `confusion-${c.arm ? c.arm + "-" : ""}${c.split}`,
    spec: confusionSpec(c.matrix, { classNames: c.classNames, title: `${label(c.arm, c.split)}: confusion matrix` }),
    caption: "Rows: true class; columns: predicted class; the number of images in each cell.",
  }));
  const specDir = "charts";
  const sections = [
    `<section id="section-summary">${summary(manifest)}</section>`,
    section(
      "curves",
      "Training and evaluation curves",
      curves.length
        ? `<p>${CURVES_LEGEND}</p>` + await figures(curves, { specDir, wide: true })
        : "<p>No metrics rows were recorded.</p>",
    ),
    section(
      "confusion",
      "Confusion matrices",
      confusions.length
        ? await figures(confusions, { specDir }) + perClassTables(data)
        : "<p>Not recorded (the run ended before its final evaluation).</p>",
    ),
    pictureSections(data),
    section("run", "Run", runTable(manifest)),
    section("settings", "Settings", settingsTable(manifest)),
    section("data", "Data", dataTable(manifest)),
    data.warnings.length ? section("warnings", "Warnings", htmlList(data.warnings)) : "",
  ].join("\n");
  const ids = [...sections.matchAll(/<section id="section-([\w-]+)"/g)].map((m) => m[1]!);
  const body = [navigationBar(data, ids), header(manifest), sections].join("\n");
  const html = page(`${manifest.experiment} ${manifest.run_id}: ${manifest.status}`, body);
  const put = options.put ?? ((file, text) => new RunFiles(dir).put(file, text));
  put("report", html);
  await Deno.mkdir(`${dir}/charts`, { recursive: true });
  for (const c of [...curves, ...confusions]) put(`charts/${c.name}.vl.json`, JSON.stringify(c.spec, null, 1) + "\n");
  return new TextEncoder().encode(html).length;
}

const label = (arm: string, split: string) => arm ? `${arm}, ${split}` : split;

function runTable(m: Manifest): string {
  const rows = [
    ["status", m.status + (m.status_detail ? ` (${m.status_detail})` : "")],
    ["started / ended", `${m.started_at} / ${m.ended_at ?? "-"}`],
    ["wall time", m.wall_seconds === null ? "-" : `${m.wall_seconds.toFixed(1)} s`],
    ["samples seen", m.samples_seen.toLocaleString("en-US")],
    ["git commit", `${m.git.commit ?? "unknown"}${m.git.dirty ? " (uncommitted changes)" : ""}`],
    ["runtime", `Deno ${m.runtime.deno}, V8 ${m.runtime.v8}, TypeScript ${m.runtime.typescript}`],
    ["machine", `${m.runtime.os} ${m.runtime.arch}, ${m.runtime.cpu}`],
    ...Object.entries(m.backends ?? {}).map(([arm, b]) => [`backend${arm ? ` (${arm})` : ""}`, b]),
    ...Object.entries(m.transforms ?? {}).map(([arm, t]) => [`pixels${arm ? ` (${arm})` : ""}`, t]),
    ...(m.init_from ? [["started from", `${repoPath(m.init_from.file)} (SHA-256 ${m.init_from.sha256})`]] : []),
  ];
  const models = Object.entries(m.models ?? {}).map(([arm, s]) =>
    `<h3>Model${arm ? ` (${escapeHtml(arm)})` : ""}</h3><pre>${escapeHtml(s)}</pre>`
  );
  return htmlTable(["", ""], rows) + models.join("\n");
}

/** Each setting as typed: `all` for no limit, and the flag that sets it. */
function settingsTable(m: Manifest): string {
  const rows = typedSettings(m.settings).map((s) => [s.name, s.value, s.words.join(" ") || s.why || "(not given)"]);
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
      [c.classNames[k] || String(k), count, ...[precision, recall, f1].map(number3)] as Cell[]
    );
    return `<h3>${escapeHtml(label(c.arm, c.split))}: per class</h3>` +
      htmlTable(["class", "images", "precision", "recall", "F1"], rows);
  }).join("\n");
}

/** Files first in the bar: the metrics, the models, then the rest in the manifest's order. */
const FILE_ORDER = ["metrics", "model", "predictions", "confusion", "charts", "evaluations", "pictures", "manifest"];

/** The navigation bar: the run, a link to each section but the warnings (by id), and to each of its files. */
function navigationBar(data: RunData, sections: string[]): string {
  const { manifest } = data;
  const links = sections.filter((id) => id !== "warnings")
    .map((id) => `<a href="#section-${id}">${id[0].toUpperCase() + id.slice(1).replace("-", " ")}</a>`);
  const rank = (role: string) => FILE_ORDER.findIndex((r) => role === r || role.startsWith(`${r}_`));
  const files = [...data.files].sort((a, b) => rank(a.role) - rank(b.role)).map((f) =>
    `<a class="file" href="${escapeHtml(encodeURI(f.name))}">${escapeHtml(f.name)}</a>`
  );
  return `<nav id="navigation"><span class="run">${escapeHtml(manifest.experiment)} · ${
    escapeHtml(manifest.run_id)
  }</span><span class="sections">${links.join(" ")}</span><span class="files">${files.join(" ")}</span></nav>`;
}

/** The title, source and status banner. */
function header(m: Manifest): string {
  const ok = m.status === "completed";
  const detail = m.status_detail ? `: ${m.status_detail}` : "";
  const epochs = typeof m.settings.epochs === "number" ? `${m.settings.epochs} epoch(s), ` : "";
  // "This run completed." first: what scripts and tests look for.
  const wall = m.wall_seconds === null ? "" : ` in ${m.wall_seconds.toFixed(1)} s`;
  const banner = ok
    ? `This run completed. ${epochs}${m.samples_seen.toLocaleString("en-US")} training samples seen${wall}.`
    : `This run did not complete: it ended ${m.status}${detail}. The report shows what it recorded.`;
  return `<h1>${escapeHtml(m.title ?? m.experiment)}</h1>
<p class="source">Experiment <code>${escapeHtml(m.experiment)}</code>, run <code>${escapeHtml(m.run_id)}</code>${
    m.source ? ` · reproduces ${escapeHtml(m.source)}` : ""
  }</p>
<div id="status" class="status ${ok ? "completed" : "warn"}">${escapeHtml(banner)}</div>`;
}

/** The final metrics of each arm and split, the write-up's own figures under them, and the command line. */
function summary(m: Manifest): string {
  const metrics = (f: Partial<FinalMetrics>) => [f.loss, f.accuracy, f.macro_f1].map(number3);
  const arms = [...new Set(Object.keys(m.final_metrics).map((key) => armOf(key)))];
  const ours = Object.entries(m.final_metrics).map(([key, f]) => ({ arm: armOf(key), split: splitOf(key), f, key }));
  const theirs = (m.reported ?? []).map((r) => ({
    arm: r.arm ?? "",
    split: r.split,
    f: r,
    key: `${r.arm ? `${r.arm}/` : ""}${r.split}: write-up${r.note ? ` (${r.note})` : ""}`,
  }));
  // Each write-up figure under the run's own row of its arm and split.
  const rank = (e: { arm: string; split: string }) =>
    (arms.includes(e.arm) ? arms.indexOf(e.arm) : arms.length) * 10 + SPLIT_ORDER.indexOf(e.split);
  const entries = [...ours, ...theirs].sort((a, b) => rank(a) - rank(b));
  const rows: Cell[][] = entries.map((e) => [e.key, ...metrics(e.f)]);
  const classes = entries.map((e) => ours.includes(e as typeof ours[number]) ? "" : "reported");
  const table = rows.length
    ? htmlTable(["arm/split", "loss", "accuracy", "macro-F1"], rows, { classes })
    : "<p>No final metrics (the run did not finish an evaluation).</p>";
  const note = m.command !== undefined ? "as it was typed" : "made from the manifest's settings";
  return `<div class="summary"><div class="results"><h3>Final metrics</h3>${table}</div>
<div class="reproduce"><h3>Reproduce this run</h3><p>From the repository's folder (${note}):</p>
<pre id="command"><code>${unbroken(reproduceCommand(m))}</code></pre></div></div>`;
}

/** A command line that wraps only between flags: each flag kept on one line with its value. */
function unbroken(command: string): string {
  const groups: string[] = [];
  for (const word of command.split(" ")) {
    const last = groups.at(-1);
    if (last?.startsWith("--") && !last.includes(" ") && !word.startsWith("--")) {
      groups[groups.length - 1] += ` ${word}`;
    } else groups.push(word);
  }
  return groups.map((g) => `<span class="nowrap">${escapeHtml(g)}</span>`).join(" ");
}

const armOf = (key: string) => key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "";
const splitOf = (key: string) => key.slice(key.lastIndexOf("/") + 1);

type Metric = "loss" | "accuracy" | "macro_f1";

const METRICS: { metric: Metric; name: string; title: string; y: string }[] = [
  { metric: "loss", name: "loss", title: "Loss", y: "loss (mean cross-entropy, nats)" },
  { metric: "accuracy", name: "accuracy", title: "Accuracy", y: "accuracy (fraction correct)" },
  { metric: "macro_f1", name: "macro-f1", title: "Macro-F1", y: "macro-F1 (mean of per-class F1)" },
];

/** A single-arm run's splits in legend order, and their colours: training muted, evaluations strong. */
const SPLIT_ORDER = ["train", "validation", "test"];
const SPLIT_COLORS: Record<string, string> = { train: "#7f9bb8", validation: "#54a24b", test: "#f58518" };

/** What the curves show, said once above them. */
const CURVES_LEGEND = "Training and evaluation against the same axis, the training samples seen: the thin " +
  "line is the training loss or accuracy, the mean over each logging interval; the markers are the evaluations " +
  "after each epoch.";

/** Three decimals: what every metric of the report shows; `number3` as a table cell. */
const fixed3 = (v: number | null | undefined) => typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "-";
const number3 = (v: number | null | undefined): Cell => ({ number: fixed3(v) });

/**
 * One chart per metric recorded (loss, accuracy, macro-F1): each arm's training intervals and evaluations against
 * training samples seen, and the manifest's `reported` figures as dashed lines.
 */
function metricCharts(rows: MetricsRow[], manifest: Pick<Manifest, "reported">): Chart[] {
  const arms = [...new Set(rows.map((r) => r.arm))];
  const multiArm = arms.length > 1 || arms[0] !== undefined && arms[0] !== "";
  const seriesOf = (arm: string, split: string) => multiArm ? arm : split;
  return METRICS.flatMap(({ metric, name, title, y }): Chart[] => {
    const all = rows.map((r): MetricPoint => ({
      series: seriesOf(r.arm, r.split),
      split: r.split,
      x: r.samples_seen,
      y: r[metric] ?? NaN,
      description: `${r.arm ? `${r.arm}, ` : ""}${r.split}, ${r.samples_seen} samples: ${fixed3(r[metric])}`,
    }));
    if (!all.some((p) => Number.isFinite(p.y))) return [];
    const train = all.filter((p) => p.split === "train");
    const { points, every } = thin(train); // a training series per arm; evaluations are few
    const drawn = [...points, ...all.filter((p) => p.split !== "train")];
    const references = referenceLines(manifest.reported ?? [], { metric, rows, seriesOf });
    const finite = drawn.filter((p) => Number.isFinite(p.y));
    const series = [...new Set([...finite.map((p) => p.series), ...references.map((r) => r.series)])];
    const order = multiArm ? arms : SPLIT_ORDER;
    const domain = [...order.filter((s) => series.includes(s)), ...series.filter((s) => !order.includes(s))];
    const spec = metricSpec(drawn, {
      title,
      subtitle: every > 1
        ? `training downsampled for the chart: every ${every}th of ${train.length} rows (metrics.csv keeps all)`
        : undefined,
      y,
      shapes: multiArm,
      references,
      colors: multiArm ? { domain } : { domain, range: domain.map((s) => SPLIT_COLORS[s] ?? "#e45756") },
    });
    const caption = references.length ? `${title}; dashed: the figure the write-up reports.` : `${title}.`;
    return [{ name, spec, caption, points: finite.length }];
  });
}

/** The write-up's figures for `metric`, for the arms and splits this run recorded. */
function referenceLines(
  reported: ReportedResult[],
  context: { metric: Metric; rows: MetricsRow[]; seriesOf: (arm: string, split: string) => string },
): ReferenceLine[] {
  const { metric, rows, seriesOf } = context;
  return reported.flatMap((r): ReferenceLine[] => {
    const value = r[metric];
    const arm = r.arm ?? "";
    if (typeof value !== "number" || !rows.some((row) => row.split === r.split && (!r.arm || row.arm === arm))) {
      return [];
    }
    const label = r.note === "about"
      ? `write-up ≈ ${fixed3(value)}`
      : `write-up${r.note ? ` (${r.note})` : ""} ${fixed3(value)}`;
    const series = r.arm || !rows.some((row) => row.arm) ? seriesOf(arm, r.split) : "write-up";
    return [{ series, y: value, label }];
  });
}
