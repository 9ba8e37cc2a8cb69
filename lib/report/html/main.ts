// `deno task report RUN_DIR...`: (re)builds each run folder's `report.html` and `charts/*.vl.json`.
import { resolve } from "node:path";
import { DamagedRunFile, readRunData, RUN_FILES, type RunData, runFile } from "../../run/mod.ts";
import { type Command, runCli, runMain } from "../../cli/mod.ts";
import { writeRunReport } from "./run_report.ts";

/** The command: no flags, one or more run folders. */
export const REPORT: Command<Record<never, never>> = {
  task: "report",
  usage: "RUN_DIR...",
  positionals: { min: 1 },
  about: "Writes RUN_DIR/report.html and RUN_DIR/charts/*.vl.json from the run folder's files alone.",
  flags: {},
  notes: `A file of the folder that is there but cannot be read (cut off, or not
what the run writes) stops that folder's report: its report.html is left as it
was (move the file away to build a report without it).
Exit codes: 0 all built, 1 a report could not be written, 2 bad usage or a
folder that cannot be read (its report left as it was).`,
};

/** Builds the report of each folder (relative ones from `cwd`), printing its path, size and build time. */
export function reportCli(args: string[], options: { cwd?: string } = {}): Promise<number> {
  return runCli(REPORT, args, {
    run: async ({ positionals }) => {
      let code = 0;
      for (const arg of positionals) {
        code = Math.max(code, await reportFolder(resolve(options.cwd ?? Deno.cwd(), arg)));
      }
      return code;
    },
  });
}

/** Builds one folder's report only from files that read whole: a damaged one leaves the report as it was. */
async function reportFolder(dir: string): Promise<number> {
  const start = performance.now();
  let data: RunData;
  try {
    data = await readRunData(dir, { strict: true });
  } catch (error) {
    const { message } = error as Error;
    console.error(
      error instanceof DamagedRunFile
        ? `report: ${message} (${RUN_FILES.report} left as it was; restore the file, or move it away to build the report without it)`
        : `report: ${dir}: ${message}`,
    );
    return 2;
  }
  try {
    const bytes = await writeRunReport(dir, { data });
    const seconds = ((performance.now() - start) / 1000).toFixed(2);
    console.log(`${runFile(dir, "report")}: ${(bytes / 1024).toFixed(0)} KiB in ${seconds} s`);
    return 0;
  } catch (error) {
    console.error(`report: ${dir}: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.main) await runMain(reportCli);
