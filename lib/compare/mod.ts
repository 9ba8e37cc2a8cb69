/**
 * Comparing runs: loading run folders and metrics CSVs, final metrics and
 * their differences, the settings that differ, reproducibility verdicts,
 * statistics over seeds, and text, Markdown or CSV output. The command is
 * `main.ts` (`deno task compare`).
 *
 * @module
 */
export * from "./load.ts";
export * from "./summary.ts";
export * from "./settings_diff.ts";
export * from "./verdict.ts";
export * from "./group.ts";
export * from "./comparison.ts";
export * from "./format.ts";
export * from "./render.ts";
export * from "./render_csv.ts";
export { COMPARE, compareCli } from "./main.ts";
export type { CliEnvironment, CliResult } from "./main.ts";
export * from "./render_html.ts";
