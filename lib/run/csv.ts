/**
 * The CSV files of a run folder, read back tolerantly: a run killed mid-write leaves a last line without its
 * newline, which `readCsv` drops with a warning.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { parse } from "csv-parse/sync";

/** One CSV line (with its newline), quoted where a cell needs it; numbers as `String(number)`. */
export function csvLine(cells: readonly (string | number)[]): string {
  return csvText(cells, []);
}

/** A CSV text: the header line, then one line per row. */
export function csvText(header: readonly (string | number)[], rows: readonly (readonly (string | number)[])[]): string {
  return stringify([header, ...rows], { "record_delimiter": "unix" });
}

/** What `readCsv` found: the header, the rows as strings, and what it had to skip. */
export interface CsvTable {
  /** The header, in order. */
  columns: string[];
  /** One record per data row, keyed by column. */
  rows: Record<string, string>[];
  /** The file line number (1-based) of each row, parallel to `rows`. */
  lines: number[];
  /** Each problem tolerated (dropped truncated line, skipped malformed row), naming the file and line. */
  warnings: string[];
  /** The line number of a last line dropped for lacking its newline, or null. */
  truncatedLine: number | null;
}

/**
 * Reads a CSV file with a header line; a last line without its newline (a truncated write) is dropped, and a row
 * whose field count differs from the header's skipped, each with a warning.
 *
 * @throws {Error} naming the file when it cannot be read, is empty, is binary, or does not parse as CSV.
 */
export async function readCsv(path: string): Promise<CsvTable> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`${path} does not exist`);
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes.includes(0)) throw new Error(`${path} is not a CSV file (it holds binary data)`);
  let text = new TextDecoder().decode(bytes);
  const empty = new Error(`${path} is empty; expected a header line`);
  if (text.trim() === "") throw empty;
  const warnings: string[] = [];
  let truncatedLine: number | null = null;
  const cut = text.lastIndexOf("\n");
  if (!text.endsWith("\n") && cut >= 0) {
    truncatedLine = text.slice(0, cut + 1).split("\n").length;
    const last = text.slice(cut + 1);
    const shown = last.length > 60 ? `${last.slice(0, 57)}...` : last;
    warnings.push(
      `${path}:${truncatedLine}: last line has no newline (an interrupted write?); dropped: ${JSON.stringify(shown)}`,
    );
    text = text.slice(0, cut + 1);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    const options = { info: true, "relax_column_count": true, "skip_empty_lines": true, bom: true };
    records = parse(text, options) as typeof records;
  } catch (error) {
    throw new Error(`${path} is not a valid CSV file: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) throw empty;
  const columns = header.record;
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  for (const { record, info } of body) {
    if (record.length !== columns.length) {
      warnings.push(
        `${path}:${info.lines}: row has ${record.length} fields, the header has ${columns.length}; skipped`,
      );
      continue;
    }
    rows.push(Object.fromEntries(columns.map((column, i) => [column, record[i]!])));
    lines.push(info.lines);
  }
  return { columns, rows, lines, warnings, truncatedLine };
}
