/**
 * The `deno run` command line of an experiment with its task's permissions,
 * for an output folder the task itself may not write.
 *
 * @module
 */

import { PROJECT_ROOT as REPO_ROOT } from "../_fs.ts"; // where `deno.json` names each task's permissions

/**
 * The words of `deno run` for `deno task exp <name>` (or `options.script`,
 * an experiment file): the `exp` task's permissions, its write list made
 * absolute plus `out`; every permission (`-A`) when `deno.json` has no such task.
 *
 * @param name the experiment's name, as in `deno task exp <name>`.
 * @param out a folder the run must also be allowed to write.
 * @param options `script`: another experiment file (absolute path).
 * @returns `["deno", "run", ...]`, without the experiment's own flags.
 */
export function experimentCommand(name: string, out: string, options: { script?: string } = {}): string[] {
  let permissions = ["-A"];
  try {
    const task: string = JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}deno.json`)).tasks.exp;
    permissions = task.split(" ").filter((word) => word.startsWith("--allow-")).map((word) =>
      word.startsWith("--allow-write=")
        ? `--allow-write=${[...word.slice(14).split(",").map((dir) => REPO_ROOT + dir), out].join(",")}`
        : word
    );
  } catch {
    // No deno.json beside lib/, or no task: every permission.
  }
  const main = `${REPO_ROOT}lib/experiment/main.ts`;
  return ["deno", "run", `--config=${REPO_ROOT}deno.json`, ...permissions, main, options.script ?? name];
}
