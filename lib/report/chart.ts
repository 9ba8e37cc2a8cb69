/**
 * ASCII line charts of one or more series, overlaid, drawn with asciichart.
 *
 * Each series is resampled onto a common set of columns (at most 70 by
 * default), every finite stretch of it is plotted by asciichart against the
 * common minimum and maximum, and the cells are merged, the first series on
 * top. With `color: false` (files, pipes) every series gets its own ASCII
 * marker and the text holds no escape codes; with `color: true` (terminals)
 * the lines are box-drawing characters in one colour per series.
 *
 * @module
 */
// @ts-types="npm:@types/asciichart@1.5.8"
import asciichart from "asciichart";

/** One line of a chart. */
export interface ChartSeries {
  /** The name shown in the legend. */
  name: string;
  /** The y values; NaN and infinities leave a gap. */
  values: number[];
  /**
   * The x of each value, ascending (e.g. epoch or samples seen). When every
   * series has it, series share one x axis; without it, each series is
   * stretched over the full width.
   */
  x?: number[];
}

/** How `renderChart` draws. */
export interface ChartOptions {
  /** A line printed above the chart. */
  title?: string;
  /** Rows of the plot area less one; default 10. */
  height?: number;
  /** ANSI colours and box-drawing lines (true) or plain ASCII markers (false, the default). */
  color?: boolean;
  /** The name of the x axis, e.g. `epoch`. */
  xLabel?: string;
  /** Columns of the plot area at most; default 70. */
  maxWidth?: number;
}

const COLORS = [
  asciichart.blue,
  asciichart.green,
  asciichart.red,
  asciichart.yellow,
  asciichart.magenta,
  asciichart.cyan,
  asciichart.lightred,
  asciichart.lightgreen,
  asciichart.lightblue,
  asciichart.lightmagenta,
];
const MARKERS = ["*", "+", "o", "x", "#", "@", "%", "=", "~", "^"];
const BOX_LINE = "─";
type Symbols = [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

/**
 * Draws `series` overlaid in one chart, with a legend and min/max labels.
 *
 * @param series the lines; each gets a colour (or a marker) in order.
 * @param options title, height, colour, x label, maximum width.
 * @returns the chart as lines of text, ending without a newline.
 * @example
 * ```ts
 * console.log(renderChart([{ name: "lr 0.01", values: [0.7, 0.8, 0.85] }], { title: "accuracy" }));
 * ```
 */
export function renderChart(
  series: ChartSeries[],
  options: ChartOptions = {},
): string {
  const color = options.color ?? false;
  const height = Math.max(1, Math.round(options.height ?? 10));
  const maxWidth = Math.max(2, Math.round(options.maxWidth ?? 70));
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(options.title);

  const shared = series.length > 0 && series.every((s) => s.x !== undefined);
  const longest = Math.max(0, ...series.map((s) => s.values.length));
  const width = Math.min(maxWidth, Math.max(longest, 40));
  const xs = series.flatMap((s) => (shared ? (s.x ?? []) : []).filter(Number.isFinite));
  const x0 = shared ? Math.min(...xs) : 0;
  const x1 = shared ? Math.max(...xs) : 1;
  const columns = series.map((s) => resample(s, width, shared ? [x0, x1] : null));

  const finite = columns.flat().filter(Number.isFinite);
  if (finite.length === 0) {
    lines.push("(no finite values to plot)");
    lines.push(legend(series, color));
    return lines.join("\n");
  }
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const range = max - min;
  const ratio = range !== 0 ? height / range : 1;
  const min2 = Math.round(min * ratio);
  const rows = Math.abs(Math.round(max * ratio) - min2);

  // The plot area: rows + 1 lines of width - 1 cells (a cell joins value c to value c + 1).
  const grid: { char: string; series: number }[][] = Array.from(
    { length: rows + 1 },
    () => Array.from({ length: width - 1 }, () => ({ char: " ", series: -1 })),
  );
  const firstMarks: { row: number; series: number }[] = [];
  for (let j = series.length - 1; j >= 0; j--) {
    const symbols = symbolsFor(j, color);
    for (const [start, values] of finiteRuns(columns[j])) {
      const markerRow = rows - (Math.round(values[0] * ratio) - min2);
      if (start === 0) firstMarks.push({ row: markerRow, series: j });
      else grid[markerRow][start - 1] = { char: symbols[0], series: j };
      if (values.length < 2) continue;
      const plotted = asciichart.plot(values, {
        min,
        max,
        height,
        symbols,
        format: () => "   ",
      }).split("\n");
      plotted.forEach((text, row) => {
        // Each asciichart line is a 3-character label, a space, the axis, then the cells.
        const cells = text.slice(5);
        for (let c = 0; c < cells.length && start + c < width - 1; c++) {
          if (cells[c] !== " ") {
            grid[row][start + c] = { char: cells[c], series: j };
          }
        }
      });
    }
  }

  const format = labelFormat(min, max, height);
  const labels = Array.from(
    { length: rows + 1 },
    (_, row) => format(rows > 0 ? max - (row * range) / rows : min),
  );
  const labelWidth = Math.max(...labels.map((label) => label.length));
  const axis = color ? "┤" : "|";
  grid.forEach((cells, row) => {
    // The lowest-numbered series is on top, as in the plot area.
    const mark = firstMarks.filter((m) => m.row === row)
      .sort((x, y) => x.series - y.series)[0];
    const axisCell = mark === undefined ? axis : paint(symbolsFor(mark.series, color)[0], mark.series, color);
    const body = joinCells(cells, color);
    lines.push(
      `${labels[row].padStart(labelWidth)} ${axisCell}${body}`.trimEnd(),
    );
  });

  const indent = " ".repeat(labelWidth + 1);
  lines.push(
    `${indent}${color ? "└" : "+"}${(color ? "─" : "-").repeat(width - 1)}`,
  );
  const left = shared ? formatX(x0) : "start";
  const right = shared ? formatX(x1) : "end";
  const middle = options.xLabel ?? "";
  const gap = Math.max(1, width - left.length - right.length - middle.length);
  const before = Math.floor(gap / 2);
  lines.push(
    `${indent} ${left}${" ".repeat(before)}${middle}${" ".repeat(gap - before)}${right}`
      .trimEnd(),
  );
  lines.push(legend(series, color));
  return lines.join("\n");
}

/** A row of cells as text, one escape sequence per stretch of one colour. */
function joinCells(
  cells: { char: string; series: number }[],
  color: boolean,
): string {
  let text = "";
  let c = 0;
  while (c < cells.length) {
    let end = c + 1;
    while (end < cells.length && cells[end].series === cells[c].series) end++;
    const chars = cells.slice(c, end).map((cell) => cell.char).join("");
    text += cells[c].series < 0 ? chars : paint(chars, cells[c].series, color);
    c = end;
  }
  return text;
}

/** The legend line: each series' colour or marker, then its name. */
function legend(series: ChartSeries[], color: boolean): string {
  return series.map((s, j) =>
    color ? `${paint(BOX_LINE.repeat(3), j, true)} ${s.name}` : `${MARKERS[j % MARKERS.length]} ${s.name}`
  ).join("   ");
}

function paint(text: string, series: number, color: boolean): string {
  return color ? asciichart.colored(text, COLORS[series % COLORS.length]) : text;
}

/** asciichart's symbols: the series' marker everywhere in plain mode, box drawing in colour. */
function symbolsFor(series: number, color: boolean): Symbols {
  if (color) return ["┼", "┤", "╶", "╴", "─", "╰", "╭", "╮", "╯", "│"];
  const m = MARKERS[series % MARKERS.length];
  return [m, "|", m, m, m, m, m, m, m, m];
}

/**
 * The series' value in each of `width` columns: the mean of the points that
 * fall in a column, else linear interpolation between neighbours; NaN outside
 * the series' x range or next to a non-finite value.
 */
function resample(
  series: ChartSeries,
  width: number,
  xRange: [number, number] | null,
): number[] {
  const n = series.values.length;
  const out = new Array<number>(width).fill(NaN);
  if (n === 0) return out;
  const xs = xRange === null || series.x === undefined
    ? series.values.map((_, i) => (n === 1 ? 0 : i / (n - 1)))
    : series.x;
  const [x0, x1] = xRange ?? [0, 1];
  const span = x1 - x0;
  const step = span / (width - 1);
  // Map every point to its nearest column; columns with points average them.
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  const poisoned = new Array<boolean>(width).fill(false);
  for (let i = 0; i < n; i++) {
    const column = span === 0 ? 0 : Math.round((xs[i] - x0) / step);
    if (column < 0 || column >= width || !Number.isFinite(xs[i])) continue;
    if (Number.isFinite(series.values[i])) {
      sums[column] += series.values[i];
      counts[column]++;
    } else {
      poisoned[column] = true;
    }
  }
  let previous = -1; // the last column holding points
  for (let c = 0; c < width; c++) {
    if (counts[c] === 0 && !poisoned[c]) continue;
    out[c] = poisoned[c] ? NaN : sums[c] / counts[c];
    if (
      previous >= 0 && c - previous > 1 && !poisoned[c] && !poisoned[previous]
    ) {
      for (let k = previous + 1; k < c; k++) {
        const t = (k - previous) / (c - previous);
        out[k] = out[previous] + t * (out[c] - out[previous]);
      }
    }
    previous = c;
  }
  return out;
}

/** The maximal stretches of finite values, as [first column, values]. */
function finiteRuns(values: number[]): [number, number[]][] {
  const runs: [number, number[]][] = [];
  let current: number[] | null = null;
  values.forEach((value, c) => {
    if (!Number.isFinite(value)) {
      current = null;
      return;
    }
    if (current === null) {
      current = [];
      runs.push([c, current]);
    }
    current.push(value);
  });
  return runs;
}

/** Enough decimals to tell adjacent rows apart, at least two below 1000. */
function labelFormat(
  min: number,
  max: number,
  height: number,
): (value: number) => string {
  const step = (max - min) / height;
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  let decimals = step > 0 ? Math.ceil(-Math.log10(step)) + 1 : 2;
  if (magnitude < 1000) decimals = Math.max(decimals, 2);
  decimals = Math.min(Math.max(decimals, 0), 8);
  return (value) => value.toFixed(decimals);
}

function formatX(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}
