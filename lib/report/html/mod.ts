/**
 * Self-contained HTML reports: a run's `report.html` and the pieces
 * `compare --html` uses (Vega-Lite charts rendered to SVG, PNG data URIs,
 * page helpers).
 *
 * @module
 */
export * from "./command.ts";
export * from "./page.ts";
export * from "./png.ts";
export * from "./run_report.ts";
export * from "./specs.ts";
export * from "./vega.ts";
