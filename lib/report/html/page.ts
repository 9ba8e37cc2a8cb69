/** Escapes `&`, `<`, `>` and quotes for HTML text and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A table cell: text, a number, or text that is a number (`{ number: "0.830" }`); numbers are right-aligned. */
export type Cell = string | number | { number: string };

/** A table of escaped cells; `classes`: a class for each row ("" for none). */
export function htmlTable(header: string[], rows: Cell[][], options: { classes?: string[] } = {}): string {
  const cell = (tag: string, v: Cell) =>
    typeof v === "object"
      ? `<${tag} class="num">${escapeHtml(v.number)}</${tag}>`
      : `<${tag}${typeof v === "number" ? ' class="num"' : ""}>${escapeHtml(String(v))}</${tag}>`;
  const tr = (i: number) => options.classes?.[i] ? `<tr class="${escapeHtml(options.classes[i]!)}">` : "<tr>";
  return `<table><thead><tr>${header.map((h) => cell("th", h)).join("")}</tr></thead><tbody>${
    rows.map((r, i) => `${tr(i)}${r.map((v) => cell("td", v)).join("")}</tr>`).join("\n")
  }</tbody></table>`;
}

/** A section with a heading and an id (`section-<id>`) the browser tests look for. */
export function section(id: string, title: string, body: string): string {
  return `<section id="section-${id}"><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

/** A list of escaped lines. */
export function htmlList(items: string[]): string {
  return `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto 1.5em; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin: 0.6em 0 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 0.8em 0 0.3em; }
nav#navigation { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 0.2em 1.2em;
  align-items: baseline; background: #24292f; color: #eee; padding: 0.45em 1em; margin: 0 -1em; font-size: 13px; }
nav#navigation a { color: #cfe3ff; text-decoration: none; margin-right: 0.8em; white-space: nowrap; }
nav#navigation a:hover { text-decoration: underline; }
nav .run { font-weight: 600; color: #fff; } nav .files { flex-basis: 100%; }
nav .files::before { content: "files:"; color: #aaa; margin-right: 0.6em; }
nav a.file { font-family: ui-monospace, monospace; font-size: 12px; }
.source { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f4f4f4; }
tr.reported td { color: #555; font-style: italic; background: #fafafa; }
.status { padding: 0.6em 1em; border-radius: 4px; margin: 0.8em 0; font-weight: 600; }
.status.completed { background: #e6f4ea; } .status.warn { background: #fdecea; border: 1px solid #d93025; }
.summary { display: flex; flex-wrap: wrap; gap: 0 2.5em; align-items: flex-start; }
.summary .results table { font-size: 14px; } .summary .reproduce { flex: 1; min-width: 320px; }
.summary .reproduce p { margin: 0.2em 0; color: #555; }
.nowrap { white-space: nowrap; }
pre#command { white-space: pre-wrap; background: #f2f5f8; border-left: 3px solid #4c78a8; }
figure { display: inline-block; margin: 0.5em 1em 0.5em 0; vertical-align: top; }
figure.wide { display: block; margin: 0.8em 0; } figure.wide svg { width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; max-width: 380px; } figure.wide figcaption { max-width: none; }
.tile { max-width: 130px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; } .tile { text-align: center; font-size: 11px; }
.tile img { image-rendering: pixelated; display: block; margin: 0 auto; border: 1px solid #ccc; }
pre { background: #f7f7f7; padding: 0.5em; overflow-x: auto; font-size: 12px; }
`;

/** A whole HTML document with its own style sheet (no script, no external resource). */
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
