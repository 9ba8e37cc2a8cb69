/**
 * The command-line layer of every task: flag tables, parsing, validation,
 * `--help`, "did you mean", one message style, exit code 2 for a user's
 * mistake, the user's working folder and whether to print colour.
 *
 * @module
 */
export * from "./command.ts";
export * from "./flags.ts";
export * from "./shell.ts";
