/**
 * Reporting on the terminal: ASCII charts and tables. (The run folder's files are `lib/run`; the HTML report `html/`.)
 *
 * @module
 */
export * from "./ascii_chart.ts";
export * from "./table.ts";
