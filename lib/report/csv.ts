/**
 * CSV files written one row at a time, and read back tolerantly.
 *
 * A training run appends a row per interval; if the process is killed, every
 * row written so far must survive. So `CsvWriter.write` writes each line
 * synchronously through an open file, and `readCsv` drops a last line that
 * lacks its newline (what an interrupted write leaves) with a warning.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { parse } from "csv-parse/sync";

/** A cell value: numbers are written with `String(number)`, null and undefined as an empty cell. */
export type CsvValue = string | number | null | undefined;

/**
 * Appends rows to a new CSV file, one synchronous write per row.
 *
 * @example
 * ```ts
 * const writer = await CsvWriter.create("/tmp/run/metrics.csv", ["epoch", "loss"]);
 * writer.write({ epoch: 1, loss: 0.25 });
 * writer.close();
 * ```
 */
export class CsvWriter {
  /** The file being written. */
  readonly path: string;
  /** The header, in order. */
  readonly columns: readonly string[];
  #file: Deno.FsFile | null;
  #encoder = new TextEncoder();

  private constructor(
    path: string,
    columns: readonly string[],
    file: Deno.FsFile,
  ) {
    this.path = path;
    this.columns = columns;
    this.#file = file;
  }

  /**
   * Creates `path` (which must not exist yet) and writes the header line.
   *
   * @param path the CSV file to create.
   * @param columns the header, in order; non-empty, no duplicates.
   * @throws {Error} naming the file when it exists, its folder is missing or unwritable, or the columns are bad.
   */
  static async create(
    path: string,
    columns: readonly string[],
  ): Promise<CsvWriter> {
    if (columns.length === 0) {
      throw new Error(`CsvWriter.create(${path}): no columns given`);
    }
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column)) {
        throw new Error(
          `CsvWriter.create(${path}): column "${column}" appears twice`,
        );
      }
      seen.add(column);
    }
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { write: true, createNew: true });
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) {
        throw new Error(
          `CsvWriter.create: ${path} already exists; refusing to overwrite a results file`,
        );
      }
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          `CsvWriter.create: the folder of ${path} does not exist`,
        );
      }
      if (error instanceof Deno.errors.PermissionDenied) {
        throw new Error(
          `CsvWriter.create: cannot create ${path}: permission denied (is its folder writable?)`,
        );
      }
      throw new Error(
        `CsvWriter.create: cannot create ${path}: ${(error as Error).message}`,
      );
    }
    const writer = new CsvWriter(path, [...columns], file);
    writer.#writeLine(columns);
    return writer;
  }

  /**
   * Appends one row and hands it to the operating system before returning.
   *
   * @param row values by column name; missing columns are written empty.
   * @throws {Error} naming the file when the writer is closed or the row has a column not in the header.
   */
  write(row: Record<string, CsvValue>): void {
    for (const key of Object.keys(row)) {
      if (!this.columns.includes(key)) {
        throw new Error(
          `CsvWriter.write(${this.path}): column "${key}" is not in the header (${this.columns.join(",")})`,
        );
      }
    }
    this.#writeLine(this.columns.map((column) => row[column]));
  }

  /** Flushes the file to disk and closes it; further writes throw. Closing twice is harmless. */
  close(): void {
    if (this.#file === null) return;
    try {
      this.#file.syncSync();
    } finally {
      this.#file.close();
      this.#file = null;
    }
  }

  #writeLine(values: readonly CsvValue[]): void {
    if (this.#file === null) {
      throw new Error(`CsvWriter.write(${this.path}): the writer is closed`);
    }
    const cells = values.map((
      value,
    ) => (value === null || value === undefined ? "" : value));
    const bytes = this.#encoder.encode(
      stringify([cells], { record_delimiter: "unix" }),
    );
    // writeSync may write fewer bytes than asked; loop until the line is out.
    let offset = 0;
    while (offset < bytes.length) {
      offset += this.#file.writeSync(bytes.subarray(offset));
    }
  }
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
      throw new Error(`readCsv: ${path} does not exist`);
    }
    throw new Error(
      `readCsv: cannot read ${path}: ${(error as Error).message}`,
    );
  }
  if (bytes.includes(0)) {
    throw new Error(
      `readCsv: ${path} is not a CSV file (it holds binary data)`,
    );
  }
  let text = new TextDecoder().decode(bytes);
  if (text.trim() === "") {
    throw new Error(`readCsv: ${path} is empty; expected a header line`);
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
    throw new Error(
      `readCsv: ${path} is not a valid CSV file: ${(error as Error).message}`,
    );
  }
  const [header, ...body] = records;
  if (header === undefined) {
    throw new Error(`readCsv: ${path} is empty; expected a header line`);
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
