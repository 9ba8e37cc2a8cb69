// deno-lint-ignore-file camelcase -- the libraries' own option names
/**
 * The parts of `csv-parse/sync` and `csv-stringify/sync` the suite uses. Their own types begin with
 * `/// <reference types="node" />`, which `deno doc --lint` cannot resolve without all of `@types/node` in every
 * run's download.
 *
 * @module
 */

/** How CSV text is read. */
export interface ParseOptions {
  /** `true`: the first line names the columns, and each record is an object keyed by them. */
  columns?: boolean;
  /** Each record as `{ record, info }`, `info.lines` the line it ended on. */
  info?: boolean;
  /** Records may have fewer or more cells than the first. */
  relax_column_count?: boolean;
  /** Empty lines are skipped. */
  skip_empty_lines?: boolean;
  /** A leading byte-order mark is dropped. */
  bom?: boolean;
}

/** Parses CSV text into records (arrays of cells, objects with `columns`, `{ record, info }` with `info`). */
export function parse(input: string, options?: ParseOptions): unknown[];

/** How records become CSV text. */
export interface StringifyOptions {
  /** `"unix"`: `\n` after every record. */
  record_delimiter?: "unix" | "windows" | string;
  /** Writes a first line of column names. */
  header?: boolean;
  /** The columns, in order (with `header`, their names). */
  columns?: readonly string[];
}

/** Formats `records` (arrays of cells, or objects with `columns`) as CSV text. */
export function stringify(records: readonly unknown[], options?: StringifyOptions): string;
