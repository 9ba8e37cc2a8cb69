/**
 * `node:util` in the browser bundles: `parseArgs` as lib/cli's `parseFlags` calls it (`strict: false`, `tokens:
 * true`), with the tokens Node gives for the same words, so a page refuses a setting in the command line's words.
 *
 * @module
 */

/** One option, as `node:util`'s `parseArgs` takes it. */
interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
}

/** A token, as Node's `parseArgs` gives it with `tokens: true`. */
export type Token =
  | { kind: "option"; name: string; rawName: string; index: number; value: string | undefined; inlineValue?: boolean }
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number };

/**
 * Node's `parseArgs` with `strict: false`: every word becomes a token (an unknown option is an option token, a
 * string option takes the next word whatever it is), and `values`/`positionals` are gathered from them.
 */
export function parseArgs(
  config: { args: string[]; options: Record<string, OptionSpec>; strict?: boolean; tokens?: boolean },
): { values: Record<string, string | boolean>; positionals: string[]; tokens: Token[] } {
  const { options } = config;
  const longOf = (short: string) => Object.keys(options).find((name) => options[name]!.short === short) ?? short;
  const takesValue = (name: string) => options[name]?.type === "string";
  const tokens: Token[] = [];
  const words = [...config.args];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!, next = words[index + 1];
    const option = (name: string, rawName: string, value?: string, inlineValue?: boolean) =>
      tokens.push({ kind: "option", name, rawName, index, value, inlineValue });
    if (word === "--") {
      tokens.push({ kind: "option-terminator", index });
      words.slice(index + 1).forEach((value, i) => tokens.push({ kind: "positional", index: index + 1 + i, value }));
      break;
    }
    if (word.startsWith("--") && word.length > 2) {
      const cut = word.indexOf("=", 3);
      if (cut >= 0) option(word.slice(2, cut), word.slice(0, cut), word.slice(cut + 1), true);
      else if (takesValue(word.slice(2)) && next !== undefined) option(word.slice(2), word, next, false), index++;
      else option(word.slice(2), word);
    } else if (word.startsWith("-") && word.length > 1) {
      const name = longOf(word[1]!);
      if (word.length > 2 && takesValue(name)) option(name, word.slice(0, 2), word.slice(2), true);
      else if (word.length > 2) index += shortGroup(word, next, { longOf, takesValue, option });
      else if (takesValue(name) && next !== undefined) option(name, word, next, false), index++;
      else option(name, word);
    } else tokens.push({ kind: "positional", index, value: word });
  }
  const values: Record<string, string | boolean> = {}, positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind === "option") values[token.name] = token.value ?? true;
  }
  return { values, positionals, tokens };
}

/**
 * `-abc`: one option a letter, until a letter that takes a value takes the rest of the word (`-abVALUE`), or the
 * next word when it is the last letter. Returns the words taken after this one (0 or 1).
 */
function shortGroup(
  word: string,
  next: string | undefined,
  options: {
    longOf: (short: string) => string;
    takesValue: (name: string) => boolean;
    option: (name: string, rawName: string, value?: string, inlineValue?: boolean) => void;
  },
): number {
  for (let i = 1; i < word.length; i++) {
    const name = options.longOf(word[i]!), rawName = `-${word[i]}`;
    if (!options.takesValue(name)) options.option(name, rawName);
    else if (i < word.length - 1) return options.option(name, rawName, word.slice(i + 1), true), 0;
    else if (next !== undefined) return options.option(name, rawName, next, false), 1;
    else options.option(name, rawName);
  }
  return 0;
}
