/** A table as strings, printed aligned for a terminal or as Markdown. */
export interface Table {
  /** The column names. */
  header: string[];
  /** The rows, one string per column. */
  rows: string[][];
}

/** A number, maybe followed by a difference in brackets, or `-` for none. */
const NUMERIC_CELL = /^(-|(NaN|-?Infinity|[-+]?[\d.]+(e[-+]?\d+)?)( \(.*\))?)?$/;

/** Columns padded to a common width under a rule of dashes, numbers right-aligned. */
export function textTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? "").length)));
  const numeric = table.header.map((_, c) =>
    table.rows.length > 0 && table.rows.every((row) => NUMERIC_CELL.test(row[c] ?? ""))
  );
  const line = (row: string[]) =>
    row.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(table.header), widths.map((w) => "-".repeat(w)).join("  "), ...table.rows.map(line)].join("\n");
}

/** A Markdown table; `|` in a cell is escaped. */
export function markdownTable(table: Table): string {
  const row = (cells: string[]) => `| ${cells.map((cell) => escapeMarkdown(cell) || " ").join(" | ")} |`;
  return [row(table.header), `|${table.header.map(() => " --- ").join("|")}|`, ...table.rows.map(row)].join("\n");
}

/** `text` with its `|` escaped, for a Markdown table cell. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, "\\|");
}
