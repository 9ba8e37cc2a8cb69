/**
 * The top of a run report, what is read at a glance: the navigation bar with
 * the run's files, the title and status, the final results beside the
 * write-up's, and the command line that reproduces the run.
 *
 * @module
 */
import type { FinalMetrics, Manifest } from "../../run/mod.ts";
import { reproduceCommand } from "./command.ts";
import { type Cell, escapeHtml, htmlTable, numberCell } from "./page.ts";
import { fixed3 } from "./run_charts.ts";
import type { RunData } from "../../run/mod.ts";

/** The sections the bar links to, by id (`section-<id>`), when the page has them. */
const NAVIGATION: [string, string][] = [
  ["summary", "Summary"],
  ["curves", "Curves"],
  ["confusion", "Confusion"],
  ["filters", "Filters"],
  ["feature-maps", "Feature maps"],
  ["misclassified", "Misclassified"],
  ["run", "Run"],
  ["settings", "Settings"],
  ["data", "Data"],
];

/** Files first in the bar: the metrics, the models, then the rest in the manifest's order. */
const FILE_ORDER = ["metrics", "model", "predictions", "confusion", "charts", "evaluations", "pictures", "manifest"];

/**
 * The navigation bar: the run, a link to each section, and a relative link to each of the run's files.
 *
 * @param data the run, read.
 * @param sections the ids of the sections the page has.
 */
export function navigationBar(data: RunData, sections: string[]): string {
  const { manifest } = data;
  const links = NAVIGATION.filter(([id]) => sections.includes(id))
    .map(([id, title]) => `<a href="#section-${id}">${title}</a>`);
  const rank = (role: string) => FILE_ORDER.findIndex((r) => role === r || role.startsWith(`${r}_`));
  const files = [...data.files].sort((a, b) => rank(a.role) - rank(b.role)).map((f) =>
    `<a class="file" href="${escapeHtml(encodeURI(f.name))}">${escapeHtml(f.name)}</a>`
  );
  return `<nav id="navigation"><span class="run">${escapeHtml(manifest.experiment)} · ${
    escapeHtml(manifest.run_id)
  }</span><span class="sections">${links.join(" ")}</span><span class="files">${files.join(" ")}</span></nav>`;
}

/**
 * The title, source and status banner.
 *
 * @param m the manifest.
 */
export function header(m: Manifest): string {
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

/**
 * The final metrics of each arm and split, the write-up's own figures under them, and the command line.
 *
 * @param m the manifest.
 */
export function summary(m: Manifest): string {
  const metrics = (f: Partial<FinalMetrics>) => [f.loss, f.accuracy, f.macro_f1].map((v) => numberCell(fixed3(v)));
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
    (arms.includes(e.arm) ? arms.indexOf(e.arm) : arms.length) * 10 + SPLITS.indexOf(e.split);
  const entries = [...ours, ...theirs].sort((a, b) => rank(a) - rank(b));
  const rows: Cell[][] = entries.map((e) => [e.key, ...metrics(e.f)]);
  const classes = entries.map((e) => ours.includes(e as typeof ours[number]) ? "" : "reported");
  const table = rows.length
    ? htmlTable(["arm/split", "loss", "accuracy", "macro-F1"], rows, { classes })
    : "<p>No final metrics (the run did not finish an evaluation).</p>";
  const recorded = (m as { command?: unknown }).command !== undefined;
  const note = recorded ? "as it was typed" : "made from the manifest's settings";
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

const SPLITS = ["train", "validation", "test"];
const armOf = (key: string) => key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "";
const splitOf = (key: string) => key.slice(key.lastIndexOf("/") + 1);
