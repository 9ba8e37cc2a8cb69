/**
 * `deno task page RUN_DIR [--arm NAME] [--out FILE]`: writes the
 * draw-and-classify page of a run (default `RUN_DIR/draw.html`, or
 * `draw-<arm>.html`), one HTML file to open in a browser.
 *
 * @module
 */
import { type Command, path, runCli, runMain } from "../cli/mod.ts";
import { type PageOptions, runPage } from "./page.ts";
import { drawPagePath } from "../run/mod.ts";
import { causeOf, writeAtomically, type WriteFile } from "../_fs.ts";

const FLAGS = {
  arm: { value: "NAME", help: "the arm of a multi-arm run" },
  out: { value: "FILE", type: path, defaultText: "RUN_DIR/draw.html, draw-<arm>.html per arm", help: "where to write" },
} as const;

/** The command: its flag table and --help text. */
export const PAGE: Command<typeof FLAGS> = {
  task: "page",
  usage: "RUN_DIR",
  positionals: { min: 1, max: 1 },
  about: `Writes one self-contained HTML file (no network) with the run's trained
weights and the project's own layers, bundled for the browser: draw on a
canvas with the mouse or a finger and see the top three classes, computed in
the page on the image predict would make of the drawing.`,
  flags: FLAGS,
  notes: "Exit codes: 0 written, 2 bad input (no run, an unknown arm, a bad checkpoint).",
};

/**
 * Runs the command line and returns the exit code.
 *
 * @param args `Deno.args`.
 * @param options how to find an experiment by name (tests give the tiny one), default `experiments/<name>.ts`;
 *   `write` replaces `Deno.writeFileSync` (tests inject a full disk).
 */
export function pageCli(
  args: string[],
  options: Pick<PageOptions, "experiment"> & { write?: WriteFile } = {},
): Promise<number> {
  return runCli(PAGE, args, {
    errorCode: 2,
    run: async ({ values, positionals: [runDir] }) => {
      const warn = (line: string) => console.error(`warning: ${line}`);
      const { html } = await runPage(runDir!, { arm: values.arm, experiment: options.experiment, warn });
      const out = values.out ?? drawPagePath(runDir!, values.arm ?? "");
      try {
        writeAtomically(out, html, { write: options.write });
      } catch (error) {
        throw new Error(`cannot write ${out}: ${causeOf(error)}`);
      }
      console.log(out);
      return 0;
    },
  });
}

if (import.meta.main) await runMain(pageCli);
