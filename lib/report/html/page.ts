/**
 * The HTML around a report: escaping, tables, sections and one page with
 * its own style sheet (no script, no external resource).
 *
 * @module
 */

/** Escapes `&`, `<`, `>` and quotes for HTML text and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A table; cells are escaped text, numbers right-aligned.
 *
 * @param header column titles.
 * @param rows cells, one array per row.
 */
export function htmlTable(header: string[], rows: (string | number)[][]): string {
  const cell = (tag: string, v: string | number) =>
    `<${tag}${typeof v === "number" ? ' class="num"' : ""}>${escapeHtml(String(v))}</${tag}>`;
  return `<table><thead><tr>${header.map((h) => cell("th", h)).join("")}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((v) => cell("td", v)).join("")}</tr>`).join("\n")
  }</tbody></table>`;
}

/**
 * A section with a heading and an id (`section-<id>`) the browser tests look for.
 *
 * @param id the section's id suffix.
 * @param title the heading.
 * @param body HTML.
 */
export function section(id: string, title: string, body: string): string {
  return `<section id="section-${id}"><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

/**
 * A chart as a figure: its SVG, a caption, and a link to its Vega-Lite spec.
 *
 * @param name the chart's file name without extension (`data-chart` attribute).
 * @param options the SVG, a caption, and the spec's relative path, if written.
 */
export function figure(name: string, options: { svg: string; caption: string; spec?: string }): string {
  const link = options.spec ? ` <a href="${escapeHtml(options.spec)}">Vega-Lite spec</a>` : "";
  return `<figure class="chart" data-chart="${escapeHtml(name)}">${options.svg}<figcaption>${
    escapeHtml(options.caption)
  }${link}</figcaption></figure>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f4f4f4; }
.status { padding: 0.6em 1em; border-radius: 4px; margin: 0.8em 0; font-weight: 600; }
.status.completed { background: #e6f4ea; } .status.warn { background: #fdecea; border: 1px solid #d93025; }
figure { display: inline-block; margin: 0.5em 1em 0.5em 0; vertical-align: top; }
figcaption { font-size: 12px; color: #555; max-width: 380px; }
.tile { max-width: 130px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; } .tile { text-align: center; font-size: 11px; }
.tile img { image-rendering: pixelated; display: block; margin: 0 auto; border: 1px solid #ccc; }
pre { background: #f7f7f7; padding: 0.5em; overflow-x: auto; font-size: 12px; }
`;

/**
 * A whole HTML document.
 *
 * @param title the page title.
 * @param body the body's HTML.
 */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
}
