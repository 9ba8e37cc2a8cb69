// deno-lint-ignore-file camelcase -- the library's own option names
/**
 * The part of `csv-parse/sync` the suite uses. Its own types begin with `/// <reference types="node" />`, which
 * `deno doc --lint` cannot resolve without all of `@types/node` in every run's download.
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
