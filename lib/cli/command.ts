/**
 * A command (task name, what it does, flag table) and the one boundary every entry point goes through: `--help`,
 * a user's mistake as one line with exit code 2, run from the folder the user typed the command in.
 *
 * @module
 */
import { type Flags, type ParsedArgs, parseFlags, UsageError } from "./flags.ts";

/** What a command declares once; parsing, validation and --help come from it. */
export interface Command<F extends Flags> {
  /** The task as typed after `deno task`, e.g. `exp:zhou`; it starts every message. */
  task: string;
  /** What follows the task in the usage line, e.g. `RUN_DIR IMAGE...` (flags are added). */
  usage?: string;
  /** What the command does: a paragraph or more. */
  about: string;
  /** The flag table. */
  flags: F;
  /** How many positional words it takes (default none); the usage line names them. */
  positionals?: { min: number; max?: number };
  /** Text after the flags: examples, exit codes. */
  notes?: string;
}

/** The `--help` text, in one layout for every command. */
export function helpText<F extends Flags>(command: Command<F>): string {
  const show = (value: unknown) => Array.isArray(value) ? value.join(",") : value === null ? "all" : String(value);
  const rows = Object.entries(command.flags).map(([name, flag]) => {
    const left = `  --${name}${flag.value ? ` ${flag.value}` : ""}`;
    const shown = flag.defaultText ??
      (flag.default === undefined || flag.default === false ? undefined : show(flag.default));
    const [first, ...more] = flag.help.split("\n");
    return { left, lines: [`${first}${shown === undefined ? "" : ` (default ${shown})`}`, ...more] };
  });
  rows.push({ left: "  -h, --help", lines: ["this text"] });
  const width = Math.min(24, Math.max(...rows.map((r) => r.left.length)) + 2);
  const flagLines = rows.flatMap(({ left, lines }) => {
    const head = left.length + 2 > width ? [left, " ".repeat(width) + lines[0]] : [left.padEnd(width) + lines[0]];
    return [...head, ...lines.slice(1).map((line) => " ".repeat(width + 2) + line)];
  });
  const usage = `Usage: deno task ${command.task}${command.usage ? ` ${command.usage}` : ""} [flags]`;
  return [usage, "", command.about, "", "Flags:", ...flagLines, ...(command.notes ? ["", command.notes] : [])]
    .join("\n");
}

/** The one line a usage error prints: `<task>: <what is wrong> (<what to do>)`. */
export function usageLine(task: string, error: UsageError): string {
  return `${task}: ${error.message} (${error.hint ?? `see deno task ${task} --help`})`;
}

/** What a command does with its parsed command line, and where its output goes (tests collect it). */
export interface CliOptions<F extends Flags> {
  /** The command's work, given the parsed command line; returns the exit code. */
  run: (parsed: ParsedArgs<F>) => number | Promise<number>;
  /** Prints a line on stdout (default console.log). */
  out?: (text: string) => void;
  /** Prints a line on stderr (default console.error). */
  err?: (text: string) => void;
  /** The exit code of an error that is not a usage error (default 1). */
  errorCode?: number;
}

/**
 * Runs `options.run` on the parsed command line and returns the exit code: 0 after `--help` (nothing else done),
 * 2 with one line for a {@linkcode UsageError}, `errorCode` with one line (no stack trace) for another error;
 * programming errors (TypeError, ...) are thrown on.
 */
export async function runCli<F extends Flags>(
  command: Command<F>,
  args: string[],
  options: CliOptions<F>,
): Promise<number> {
  const err = options.err ?? console.error;
  try {
    const parsed = parseFlags(args, command.flags);
    if (parsed.help) return (options.out ?? console.log)(helpText(command)), 0;
    const { min, max } = command.positionals ?? { min: 0, max: 0 };
    const count = parsed.positionals.length;
    if (count < min || (max !== undefined && count > max)) {
      const extra = max !== undefined && count > max ? `: '${parsed.positionals[max]}'` : "";
      throw new UsageError(count < min ? `expected ${command.usage}` : `too many arguments${extra}`, {
        hint: `deno task ${`${command.task} ${command.usage ?? ""}`.trim()} [flags]; see --help`,
      });
    }
    return await options.run(parsed);
  } catch (error) {
    if (error instanceof UsageError) return err(usageLine(command.task, error)), 2;
    const bug = error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError;
    if (!(error instanceof Error) || bug) throw error;
    err(`${command.task}: ${error.message}`);
    return options.errorCode ?? 1;
  }
}

/**
 * The folder the user ran the command from: `INIT_CWD`, which `deno task` sets (tasks run from the repository
 * root), where the process may read it; else the working folder. The one place `INIT_CWD` is read.
 */
export function userCwd(): string {
  const granted = Deno.permissions.querySync({ name: "env", variable: "INIT_CWD" }).state === "granted";
  return (granted ? Deno.env.get("INIT_CWD") : undefined) || Deno.cwd();
}

/** An entry point: moves to {@linkcode userCwd} so relative paths are the user's, runs `cli` and exits with its code. */
export async function runMain(cli: (args: string[]) => Promise<number>): Promise<never> {
  Deno.chdir(userCwd());
  Deno.exit(await cli(Deno.args));
}

/**
 * Whether to print colour: output is a terminal (default: ask of stdout) and neither `NO_COLOR` (default: as the
 * process sees it) nor a `--no-color` flag says otherwise. Every coloured print asks this.
 */
export function useColor(options: { terminal?: boolean; noColor?: boolean; noColorFlag?: boolean } = {}): boolean {
  return (options.terminal ?? Deno.stdout.isTerminal()) && !(options.noColor ?? Deno.noColor) && !options.noColorFlag;
}
