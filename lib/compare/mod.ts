/**
 * Comparing runs: final metrics and their differences, the settings that differ, reproducibility verdicts,
 * statistics over seeds, as text, Markdown, CSV or HTML. The command is `main.ts` (`deno task compare`).
 *
 * @module
 */
export * from "./load.ts";
export * from "./summary.ts";
export * from "./verdict.ts";
export * from "./group.ts";
export * from "./comparison.ts";
export * from "./render.ts";
export * from "./main.ts";
