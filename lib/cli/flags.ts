/**
 * Flag tables: each command declares its flags once and gets parsing and validation from them. The words are split
 * by `node:util`'s `parseArgs` (its tokens, so an unknown flag, a missing value and a bad value each get a message
 * of our own).
 *
 * @module
 */
import { parseArgs } from "node:util";

/** A bad command line or input: the message says what is wrong, the hint what to do. */
export class UsageError extends Error {
  /** What to do, shown in parentheses (default: see the command's --help). */
  readonly hint?: string;
  /** Takes what is wrong and, optionally, what to do. */
  constructor(message: string, options: { hint?: string } = {}) {
    super(message);
    this.name = "UsageError";
    this.hint = options.hint;
  }
}

/** What a flag's value may be: the words for messages and help, and how text becomes the value. */
export interface FlagType<T> {
  /** E.g. `a positive integer`; messages say `expected <allowed>`. */
  allowed: string;
  /** The value, or undefined when `text` is not allowed. */
  read(text: string): T | undefined;
}

/** One flag of a command. */
export interface Flag<T = unknown> {
  /** One line for --help (later lines, if any, are indented under it). */
  help: string;
  /** The value's placeholder in --help, e.g. `N`; absent for a switch (a boolean flag). */
  value?: string;
  /** The value's type; default any text. */
  type?: FlagType<T>;
  /** The value when the flag is not given (also shown in --help). */
  default?: T;
  /** What --help shows as the default instead of `default`. */
  defaultText?: string;
  /** Repeatable: the values are collected in order. */
  multiple?: boolean;
}

/** A command's flags by name (without the dashes). */
// deno-lint-ignore no-explicit-any
export type Flags = Record<string, Flag<any>>;

/** The value type of one flag. */
export type FlagValue<F> = F extends { value: string }
  ? (F extends { type: FlagType<infer T> } ? T : string) extends infer V ? F extends { multiple: true } ? V[] : V
  : never
  : boolean;

/** Parsed values: each given flag's value, or its default. */
export type Values<F extends Flags> = { -readonly [K in keyof F]?: FlagValue<F[K]> };

/** What a command line says. */
export interface ParsedArgs<F extends Flags> {
  /** Given values, and defaults for the flags not given. */
  values: Values<F>;
  /** The flags given on the command line. */
  given: Set<keyof F & string>;
  /** Words that are not flags. */
  positionals: string[];
  /** Whether `--help` or `-h` was given. */
  help: boolean;
}

/**
 * Parses `args` by `flags`. `--help`/`-h` is always known; when given, nothing is validated. A flag given twice
 * takes its last value, unless `multiple`.
 *
 * @throws {UsageError} for an unknown flag (with the nearest name), a missing or bad value.
 */
export function parseFlags<F extends Flags>(args: string[], flags: F): ParsedArgs<F> {
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [name, { type: f.value ? "string" : "boolean" } as const]),
  );
  const { tokens } = parseArgs({
    args,
    options: { ...options, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const raw = new Map<string, string[]>(), positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (token.name === "help" && token.value !== undefined) {
      throw new UsageError(`--help takes no value, got '${token.value}'`, { hint: "give --help" });
    }
    if (token.name === "help") help = true;
    else raw.set(token.name, [...raw.get(token.name) ?? [], checkToken(token, flags)]);
  }
  const values: Record<string, unknown> = {};
  if (help) return { values: values as Values<F>, given: new Set(), positionals, help };
  for (const [name, flag] of Object.entries(flags)) {
    const texts = raw.get(name);
    if (texts === undefined) values[name] = flag.default;
    else if (!flag.value) values[name] = true;
    else if (flag.multiple) values[name] = texts.map((text) => readValue(text, { name, flag }));
    else values[name] = readValue(texts.at(-1)!, { name, flag }); // the last of repeated ones, as parseArgs does
  }
  return { values: values as Values<F>, given: new Set(raw.keys()) as Set<keyof F & string>, positionals, help };
}

type OptionToken = { name: string; rawName: string; value?: string; inlineValue?: boolean };

/** The token's text after checking its name and value; a switch's text is "". */
function checkToken(token: OptionToken, flags: Flags): string {
  const flag = flags[token.name];
  if (flag === undefined) {
    const near = nearest(token.name, [...Object.keys(flags), "help"]);
    throw new UsageError(`unknown flag ${token.rawName}`, {
      hint: near ? `did you mean --${near}? see --help` : "see --help for the flags",
    });
  }
  if (!flag.value) {
    if (token.value !== undefined) {
      throw new UsageError(`--${token.name} takes no value, got '${token.value}'`, { hint: `give --${token.name}` });
    }
    return "";
  }
  // `--epochs --lr 1` gives `--lr` as the value; that is a forgotten value, not a value.
  if (token.value === undefined || (!token.inlineValue && /^--./.test(token.value))) {
    throw new UsageError(`--${token.name} needs a value`, {
      hint: `--${token.name} ${flag.value}: ${flag.type?.allowed ?? flag.value}`,
    });
  }
  return token.value;
}

function readValue(text: string, { name, flag }: { name: string; flag: Flag }): unknown {
  const value = flag.type ? flag.type.read(text) : text;
  if (value === undefined) {
    throw new UsageError(`--${name}: got '${text}', expected ${flag.type?.allowed ?? flag.value}`);
  }
  return value;
}

/** The name nearest to `given` by edit distance (at most a third of its length, at least 2), or undefined. */
export function nearest(given: string, names: string[]): string | undefined {
  let best: string | undefined, bestDistance = Math.max(2, Math.floor(given.length / 3)) + 1;
  for (const name of names) {
    const d = name.startsWith(given) && given.length >= 3 ? 1 : editDistance(given, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/** Levenshtein distance, counting a swap of two neighbours as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Plain decimal digits: `0x10`, `1e3` and `+5` are refused, though `Number()` reads them. */
const DIGITS = /^\d+$/;

/** An integer from `min` to `max` (inclusive), in plain decimal digits. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): FlagType<number> {
  const allowed = max === Number.MAX_SAFE_INTEGER
    ? (min === 1 ? "a positive integer" : `an integer of at least ${min}`)
    : `an integer from ${min} to ${max}`;
  return { allowed, read: (t) => DIGITS.test(t.trim()) && +t >= min && +t <= max ? Number(t) : undefined };
}

/** A finite number that passes `test`; `allowed` says which. */
export function number(allowed: string, test: (x: number) => boolean): FlagType<number> {
  return { allowed, read: (t) => t.trim() !== "" && Number.isFinite(+t) && test(+t) ? Number(t) : undefined };
}

/** One of `choices`. */
export function oneOf<const T extends string>(choices: readonly T[]): FlagType<T> {
  return { allowed: `one of ${choices.join(", ")}`, read: (t) => choices.includes(t as T) ? t as T : undefined };
}

/** `all` (as null) or a value of `type`. */
export function orAll<T>(type: FlagType<T>): FlagType<T | null> {
  return { allowed: `${type.allowed} or 'all'`, read: (t) => t === "all" ? null : type.read(t) };
}

/** A comma-separated list, each item of `type`. */
export function listOf<T>(type: FlagType<T>): FlagType<T[]> {
  return {
    allowed: `a comma-separated list, each ${type.allowed}`,
    read: (text) => {
      const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => type.read(s));
      return items.length > 0 && !items.includes(undefined) ? items as T[] : undefined;
    },
  };
}

/** A non-empty path; relative ones are the user's, as `runMain` runs from the user's folder. */
export const path: FlagType<string> = { allowed: "a path", read: (t) => t === "" ? undefined : t };
