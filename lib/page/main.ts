/**
 * `deno task page RUN_DIR [--arm NAME] [--out FILE]`: writes the
 * draw-and-classify page of a run (default `RUN_DIR/draw.html`, or
 * `draw-<arm>.html`), one HTML file to open in a browser.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Experiment } from "../experiment/mod.ts";
import { experimentNamed } from "../predict/main.ts";
import { loadPredictor } from "../predict/mod.ts";
import { bundleScript, pageConfig, pageHtml } from "./page.ts";
import { runFromUserCwd } from "../_fs.ts";
import { drawPagePath, runTitle } from "../run/mod.ts";

/** The `--help` text. */
export const HELP = `Usage: deno task page RUN_DIR [--arm NAME] [--out FILE]

Writes one self-contained HTML file (no network) with the run's trained
weights and the project's own layers, bundled for the browser: draw on a
canvas with the mouse or a finger and see the top three classes, computed in
the page on the image predict would make of the drawing. Default FILE: RUN_DIR/draw.html (draw-<arm>.html per arm).

Exit codes: 0 written, 2 bad input (no run, an unknown arm, a bad checkpoint).`;

/**
 * Runs the command line and returns the exit code.
 *
 * @param args `Deno.args`.
 * @param options how to find an experiment by name (tests give the tiny one); default `experiments/<name>.ts`.
 */
export async function pageCli(
  args: string[],
  options: { experiment?: (name: string) => Promise<Experiment> } = {},
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { arm: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    });
    if (values.help) return console.log(HELP), 0;
    const [runDir, ...rest] = positionals;
    if (runDir === undefined || rest.length > 0) throw new Error("expected one run folder");
    const predictor = await loadPredictor(runDir, {
      arm: values.arm,
      experiment: options.experiment ?? experimentNamed,
    });
    const title = runTitle(runDir, values.arm);
    const out = values.out ?? drawPagePath(runDir, values.arm ?? "");
    const config = pageConfig(predictor, await Deno.readFile(predictor.checkpoint.file));
    await Deno.writeTextFile(out, pageHtml(title, config, await bundleScript()));
    console.log(out);
    return 0;
  } catch (error) {
    console.error(`page: ${(error as Error).message}`);
    return 2;
  }
}

if (import.meta.main) await runFromUserCwd(pageCli);
