/**
 * `deno task report RUN_DIR...`: (re)builds each run folder's `report.html`
 * and `charts/*.vl.json` from the folder's files alone.
 *
 * @module
 */
import { resolve } from "node:path";
import { runFile } from "../../run/mod.ts";
import { writeRunReport } from "./run_report.ts";

/**
 * Builds the report of each folder, printing its path, size and build time.
 *
 * @param args run folders (relative ones from `cwd`).
 * @param options `cwd` for relative folders (default the working folder).
 * @returns the exit status: 0 all built, 1 one failed, 2 no folder given.
 */
export async function reportCli(args: string[], options: { cwd?: string } = {}): Promise<number> {
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    console.log("Usage: deno task report RUN_DIR...\nWrites RUN_DIR/report.html and RUN_DIR/charts/*.vl.json.");
    return args.length === 0 ? 2 : 0;
  }
  let code = 0;
  for (const arg of args) {
    const dir = resolve(options.cwd ?? Deno.cwd(), arg);
    const start = performance.now();
    try {
      const bytes = await writeRunReport(dir);
      const seconds = ((performance.now() - start) / 1000).toFixed(2);
      console.log(`${runFile(dir, "report")}: ${(bytes / 1024).toFixed(0)} KiB in ${seconds} s`);
    } catch (error) {
      console.error(`error: ${dir}: ${(error as Error).message}`);
      code = 1;
    }
  }
  return code;
}

if (import.meta.main) Deno.exit(await reportCli(Deno.args, { cwd: Deno.env.get("INIT_CWD") }));
