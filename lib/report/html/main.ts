/**
 * `deno task report RUN_DIR...`: (re)builds each run folder's `report.html`
 * and `charts/*.vl.json` from the folder's files alone.
 *
 * @module
 */
import { resolve } from "node:path";
import { runFile } from "../../run/mod.ts";
import { type Command, runCli, runMain } from "../../cli/mod.ts";
import { writeRunReport } from "./run_report.ts";

/** The command: no flags, one or more run folders. */
export const REPORT: Command<Record<never, never>> = {
  task: "report",
  usage: "RUN_DIR...",
  positionals: { min: 1 },
  about: "Writes RUN_DIR/report.html and RUN_DIR/charts/*.vl.json from the run folder's files alone.",
  flags: {},
  notes: "Exit codes: 0 all built, 1 one failed, 2 bad usage.",
};

/**
 * Builds the report of each folder, printing its path, size and build time.
 *
 * @param args run folders (relative ones from `cwd`).
 * @param options `cwd` for relative folders (default the working folder).
 * @returns the exit status: 0 all built, 1 one failed, 2 bad usage (no folder given).
 */
export function reportCli(args: string[], options: { cwd?: string } = {}): Promise<number> {
  return runCli(REPORT, args, {
    run: async ({ positionals }) => {
      let code = 0;
      for (const arg of positionals) {
        const dir = resolve(options.cwd ?? Deno.cwd(), arg);
        const start = performance.now();
        try {
          const bytes = await writeRunReport(dir);
          const seconds = ((performance.now() - start) / 1000).toFixed(2);
          console.log(`${runFile(dir, "report")}: ${(bytes / 1024).toFixed(0)} KiB in ${seconds} s`);
        } catch (error) {
          console.error(`report: ${dir}: ${(error as Error).message}`);
          code = 1;
        }
      }
      return code;
    },
  });
}

if (import.meta.main) await runMain(reportCli);
