// deno-lint-ignore-file camelcase -- the library's own option names
/**
 * The part of `csv-stringify/sync` the suite uses. Its own types begin with `/// <reference types="node" />`, which
 * `deno doc --lint` cannot resolve without all of `@types/node` in every run's download.
 *
 * @module
 */

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
