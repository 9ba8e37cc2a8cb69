/**
 * `node:util` in the playground's browser bundle: `parseArgs` for the long
 * and short options the suite's flag parsing uses, strict, with Node's
 * messages, so the page refuses a setting in the command line's words.
 *
 * @module
 */

/** One option, as `node:util`'s `parseArgs` takes it. */
interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}

/** Parses `--name value`, `--name=value`, `--flag` and `-x`; strict: an unknown option or a positional is an error. */
export function parseArgs(
  config: { args: string[]; options: Record<string, OptionSpec>; strict?: boolean; allowPositionals?: boolean },
): { values: Record<string, string | boolean | (string | boolean)[]>; positionals: string[] } {
  const values: Record<string, string | boolean | (string | boolean)[]> = {};
  const positionals: string[] = [];
  const shorts = new Map(Object.entries(config.options).flatMap(([name, o]) => o.short ? [[o.short, name]] : []));
  const args = [...config.args];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "--") {
      positionals.push(...args.splice(0));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (!config.allowPositionals) {
        throw new TypeError(`Unexpected argument '${arg}'. This command does not take positional arguments`);
      }
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const [key, inline] = long ? splitOnce(arg.slice(2)) : [shorts.get(arg.slice(1, 2)) ?? arg.slice(1), undefined];
    const spec = config.options[key];
    if (spec === undefined) throw new TypeError(`Unknown option '${arg.split("=")[0]}'`);
    let value: string | boolean = true;
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new TypeError(`Option '--${key}' does not take an argument`);
    } else if (inline !== undefined) value = inline;
    else if (args.length === 0 || args[0]!.startsWith("-")) {
      throw new TypeError(`Option '--${key} <value>' argument missing`);
    } else value = args.shift()!;
    if (spec.multiple) values[key] = [...(values[key] as (string | boolean)[] | undefined) ?? [], value];
    else values[key] = value;
  }
  return { values, positionals };
}

function splitOnce(text: string): [string, string | undefined] {
  const cut = text.indexOf("=");
  return cut < 0 ? [text, undefined] : [text.slice(0, cut), text.slice(cut + 1)];
}
