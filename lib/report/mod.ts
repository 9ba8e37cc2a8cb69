/**
 * Reporting: the metrics CSV, ASCII charts and the run manifest.
 *
 * @module
 */
export * from "./csv.ts";
export * from "./metrics_csv.ts";
export * from "./ascii_chart.ts";
export * from "./manifest.ts";
