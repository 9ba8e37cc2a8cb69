/**
 * The page's settings: the command line's flags, from a link's query parameters or the form, parsed by the command
 * line's own parser so that a bad value gets the same message.
 *
 * @module
 */
import { usageLine } from "../cli/mod.ts";
import { type Experiment, experimentCli, parseCommandLine, type Settings, UsageError } from "../experiment/mod.ts";

/** Query parameters that are the page's own, not flags. */
const PAGE_PARAMETERS = ["experiment", "autostart"];

/** Flags about files and processes, which a page has none of. */
const NOT_IN_PAGE = "data-dir allow-modified-data out quiet seeds checkpoint-every init-from resume".split(" ");

/** What a page runs: the settings the flags set, and the arms. */
export interface PageSettings {
  /** Only what the flags set (as the command line's `overrides`). */
  overrides: Partial<Settings>;
  /** The arms to run; empty for all. */
  arms: string[];
  /** The defaults with the flags applied (the first arm's view, for the form). */
  settings: Settings;
}

/** The command line of query parameters: `seed=3` is `--seed 3`, `full=1` is `--full`, `arm=a,b` is `--arm a,b`. */
export function commandLineOf(experiment: Experiment, params: URLSearchParams): string[] {
  const booleans = new Set(Object.keys(experiment.extraFlags ?? {}));
  const args: string[] = [];
  for (const [key, value] of params) {
    if (PAGE_PARAMETERS.includes(key)) continue;
    if (booleans.has(key)) {
      if (!["0", "false", "no"].includes(value)) args.push(`--${key}`);
    } else args.push(`--${key}`, value);
  }
  return args;
}

/** The line the command line prints for `error`: `usageLine` for a user's mistake, else the task and the message. */
export function pageMessage(experiment: Experiment, error: unknown): string {
  const { task } = experimentCli(experiment);
  return error instanceof UsageError ? usageLine(task, error) : `${task}: ${(error as Error).message}`;
}

/**
 * Parses the page's settings (query parameters, or the form's values under the flag names) as the command line does.
 *
 * @throws {UsageError} with the command line's message, or naming a flag a page cannot take.
 */
export function pageSettings(experiment: Experiment, params: URLSearchParams): PageSettings {
  for (const key of params.keys()) {
    if (NOT_IN_PAGE.includes(key)) throw new UsageError(`--${key}: a command-line flag; the page has no files to use`);
  }
  const parsed = parseCommandLine(commandLineOf(experiment, params), {
    defaults: experiment.defaults,
    extraFlags: experiment.extraFlags,
    armNames: experiment.arms?.map((a) => a.name),
    out: "/",
  });
  if ((parsed.settings.threads ?? 1) > 1) {
    throw new UsageError(`--threads: got ${parsed.settings.threads}, the page trains on one thread`);
  }
  return { overrides: parsed.overrides, arms: parsed.controls.arms, settings: parsed.settings };
}
