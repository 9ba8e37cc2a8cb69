/**
 * Vega-Lite specs rendered to static SVG: compiled by `vega-lite`, rendered
 * by Vega's headless view (no browser, no canvas, no script in the output).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";

/**
 * Vega and Vega-Lite, imported on first use: loading them takes about a
 * second, which every command importing the report would otherwise pay at
 * startup, before its first line of output.
 */
let libraries: Promise<[typeof import("vega"), typeof import("vega-lite")]> | null = null;

/** A Vega-Lite specification, as written to `charts/*.vl.json`. */
export type VegaLiteSpec = TopLevelSpec;

/** The schema every spec names, so an editor can reopen it. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Renders a Vega-Lite spec to an SVG document.
 *
 * @param spec the Vega-Lite spec, data inlined.
 * @param options `idPrefix` for the SVG's ids (default `chart`); give each chart on a page its own.
 * @returns the `<svg>` element as text.
 * @example
 * ```ts ignore
 * const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } });
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec, options: { idPrefix?: string } = {}): Promise<string> {
  const [vega, { compile }] = await (libraries ??= Promise.all([import("vega"), import("vega-lite")]));
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return renumberIds(await view.toSVG(), options.idPrefix ?? "chart");
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers clip paths and gradients with process-wide counters; inline
 * SVGs share one id space, so each chart's ids are renamed `<prefix>-<n>`:
 * unique on the page, and the same however many charts were drawn before.
 */
function renumberIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const [, id] of svg.matchAll(/ id="([^"]+)"/g)) ids.set(id!, `${prefix}-${ids.size}`);
  return svg.replace(/ id="([^"]+)"|url\(#([^)]+)\)/g, (all, id?: string, ref?: string) => {
    if (id !== undefined) return ` id="${ids.get(id)}"`;
    return ids.has(ref!) ? `url(#${ids.get(ref!)})` : all;
  });
}
