/**
 * The CSV files of a run folder, written a line at a time and read back
 * tolerantly: a run killed mid-write leaves a last line without its newline,
 * which `readCsv` drops with a warning.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { parse } from "csv-parse/sync";

/**
 * One CSV line (with its newline) of `cells`: quoted where a cell needs it.
 *
 * @param cells the values; numbers as `String(number)`.
 */
export function csvLine(cells: readonly (string | number)[]): string {
  return stringify([cells], { "record_delimiter": "unix" });
}

/** A CSV text: the header line, then one line per row. */
export function csvText(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
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
 * Reads a CSV file with a header line.
 *
 * A last line without its newline is taken as a truncated write and dropped,
 * with a warning; a row whose field count differs from the header is skipped,
 * with a warning.
 *
 * @param path the CSV file.
 * @throws {Error} naming the file when it cannot be read, is empty, is binary, or does not parse as CSV.
 */
export async function readCsv(path: string): Promise<CsvTable> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`${path} does not exist`);
    }
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes.includes(0)) {
    throw new Error(`${path} is not a CSV file (it holds binary data)`);
  }
  let text = new TextDecoder().decode(bytes);
  if (text.trim() === "") {
    throw new Error(`${path} is empty; expected a header line`);
  }
  const warnings: string[] = [];
  let truncatedLine: number | null = null;
  if (!text.endsWith("\n")) {
    const cut = text.lastIndexOf("\n");
    if (cut >= 0) {
      const line = countLines(text, cut) + 1;
      truncatedLine = line;
      warnings.push(
        `${path}:${line}: last line has no newline (an interrupted write?); dropped: ${
          JSON.stringify(abbreviate(text.slice(cut + 1)))
        }`,
      );
      text = text.slice(0, cut + 1);
    }
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new Error(`${path} is not a valid CSV file: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) {
    throw new Error(`${path} is empty; expected a header line`);
  }
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
    const row: Record<string, string> = {};
    columns.forEach((column, i) => (row[column] = record[i]));
    rows.push(row);
    lines.push(info.lines);
  }
  return { columns, rows, lines, warnings, truncatedLine };
}

/** The 1-based line number of the character at `index`. */
function countLines(text: string, index: number): number {
  let count = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
