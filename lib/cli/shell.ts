/**
 * Command lines as a user types them: shell quoting, and the task that runs an experiment.
 *
 * @module
 */
import { PROJECT_ROOT } from "../_fs.ts";

/** `words` as one shell line, quoting the words the shell would split or expand. */
export function shellLine(words: readonly string[]): string {
  const quote = (word: string) => /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
  return words.map(quote).join(" ");
}

/** `NAME=value `, the value quoted as {@linkcode shellLine} does: an environment variable set for one command. */
export function envPrefix(name: string, value: string): string {
  return `${name}=${shellLine([value])} `;
}

/**
 * The words that run experiment `name`: `deno task exp:NAME` where `deno.json` has that shortcut (the four
 * write-ups), else `deno task exp NAME`, which runs any file in `experiments/`.
 */
export function experimentTask(name: string): string[] {
  let tasks: Record<string, unknown> = {};
  try {
    tasks = JSON.parse(Deno.readTextFileSync(`${PROJECT_ROOT}deno.json`)).tasks ?? {};
  } catch {
    // No deno.json beside lib/ (a bundle): the general task.
  }
  return `exp:${name}` in tasks ? ["deno", "task", `exp:${name}`] : ["deno", "task", "exp", name];
}
