/**
 * Self-contained HTML reports: a run's `report.html` and the pieces `compare --html` uses (Vega-Lite charts
 * rendered to SVG, page helpers).
 *
 * @module
 */
export * from "./command.ts";
export * from "./page.ts";
export * from "./pictures.ts";
export * from "./run_report.ts";
export * from "./specs.ts";
