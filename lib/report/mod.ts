/**
 * Reporting on the terminal: ASCII charts. (The run folder's files are `lib/run`; the HTML report `html/`.)
 *
 * @module
 */
export * from "./chart.ts";
