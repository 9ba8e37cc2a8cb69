/**
 * ASCII line charts of one or more series, overlaid.
 *
 * Each series is resampled onto a common set of columns (at most 70 by
 * default) and drawn on one grid, the first series on top; a non-finite value
 * leaves a gap. With `color: false` (files, pipes) every series has its own
 * ASCII marker; with `color: true` (terminals) the first ten are box-drawing
 * lines in ten colours and the rest coloured markers. A series may carry a
 * band (e.g. ± one standard deviation), shaded under the lines.
 *
 * The line shapes follow asciichart's, which is not used because it cannot
 * leave gaps (a NaN makes `plot` throw) and has one set of symbols per chart.
 *
 * @module
 */

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
  /** Half the height of a band drawn around each value (e.g. a standard deviation). */
  band?: number[];
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

/** ANSI colour codes, one per series in turn. */
const COLORS = [34, 32, 31, 33, 35, 36, 91, 92, 94, 95];
const MARKERS = "*+ox#@%=~^abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Glyphs: a stretch's start, flat, down-in, up-in, down-out, up-out, vertical (asciichart's). */
const BOX = "╶─╮╯╰╭│";

/** The most series one chart tells apart: one marker each. */
export const CHART_MAX_SERIES: number = MARKERS.length;

type Cell = { char: string; series: number };

/**
 * Draws `series` overlaid in one chart, with a legend and min/max labels.
 *
 * @param series the lines (at most `CHART_MAX_SERIES`); each gets a colour and a line style or marker, in order.
 * @param options title, height, colour, x label, maximum width.
 * @returns the chart as lines of text, ending without a newline.
 * @throws {RangeError} when there are more series than markers.
 * @example
 * ```ts
 * console.log(renderChart([{ name: "lr 0.01", values: [0.7, 0.8, 0.85] }], { title: "accuracy" }));
 * ```
 */
export function renderChart(series: ChartSeries[], options: ChartOptions = {}): string {
  if (series.length > CHART_MAX_SERIES) {
    throw new RangeError(`renderChart: at most ${CHART_MAX_SERIES} series can be told apart, got ${series.length}`);
  }
  const color = options.color ?? false;
  const height = Math.max(1, Math.round(options.height ?? 10));
  const longest = Math.max(0, ...series.map((s) => s.values.length));
  const width = Math.min(Math.max(2, Math.round(options.maxWidth ?? 70)), Math.max(longest, 40));
  const shared = series.length > 0 && series.every((s) => s.x !== undefined);
  const xs = shared ? series.flatMap((s) => s.x!).filter(Number.isFinite) : [0, 1];
  const xRange: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const columns = series.map((s) => resample(s.values, width, shared ? s.x : undefined, xRange));
  const bands = series.map((s) => s.band ? resample(s.band, width, shared ? s.x : undefined, xRange) : null);
  const edges = columns.flatMap((values, j) =>
    values.flatMap((v, c) => [v - (bands[j]?.[c] || 0), v + (bands[j]?.[c] || 0)])
  );
  const finite = edges.filter(Number.isFinite);
  const lines = options.title === undefined ? [] : [options.title];
  if (finite.length === 0) return [...lines, "(no finite values to plot)", legend(series, color)].join("\n");

  const [min, max] = [Math.min(...finite), Math.max(...finite)];
  const rowOf = (v: number) =>
    Number.isFinite(v) ? height - Math.round(max === min ? 0 : ((v - min) / (max - min)) * height) : NaN;
  const grid: Cell[][] = Array.from(
    { length: height + 1 },
    () => Array.from({ length: width }, () => ({ char: " ", series: -1 })),
  );
  for (let j = series.length - 1; j >= 0; j--) drawBand(grid, columns[j], bands[j], rowOf, j, color);
  for (let j = series.length - 1; j >= 0; j--) drawLine(grid, columns[j].map(rowOf), glyphs(j, color), j);

  const format = labelFormat(min, max, height);
  const labels = grid.map((_, row) => format(max - (row * (max - min)) / height));
  const labelWidth = Math.max(...labels.map((label) => label.length));
  grid.forEach((cells, row) => {
    const axis = cells[0].series < 0 ? [{ char: color ? "┤" : "|", series: -1 }] : [];
    lines.push(
      `${labels[row].padStart(labelWidth)} ${joinCells([...axis, ...cells.slice(axis.length)], color)}`.trimEnd(),
    );
  });
  const indent = " ".repeat(labelWidth + 1);
  lines.push(`${indent}${color ? "└" : "+"}${(color ? "─" : "-").repeat(width - 1)}`);
  const [left, right] = shared ? xRange.map(formatX) : ["start", "end"];
  const middle = options.xLabel ?? "";
  const gap = Math.max(1, width - left.length - right.length - middle.length);
  const before = Math.floor(gap / 2);
  lines.push(`${indent} ${left}${" ".repeat(before)}${middle}${" ".repeat(gap - before)}${right}`.trimEnd());
  return [...lines, legend(series, color)].join("\n");
}

/**
 * Draws a series into `grid` as asciichart does: column c + 1 joins value c
 * to value c + 1, and a stretch of finite values starts with a mark in the
 * column before its first value (the axis for column 0).
 */
function drawLine(grid: Cell[][], rows: number[], glyph: string, series: number): void {
  const put = (row: number, column: number, char: string) => grid[row][column] = { char, series };
  rows.forEach((y, c) => {
    const previous = rows[c - 1] ?? NaN;
    if (Number.isNaN(y)) return;
    else if (Number.isNaN(previous)) put(y, c, glyph[0]);
    else if (previous === y) put(y, c, glyph[1]);
    else {
      const down = y > previous; // rows count downwards
      for (let row = Math.min(y, previous) + 1; row < Math.max(y, previous); row++) put(row, c, glyph[6]);
      put(previous, c, down ? glyph[2] : glyph[3]);
      put(y, c, down ? glyph[4] : glyph[5]);
    }
  });
}

/** Shades the rows between value - band and value + band in each column. */
function drawBand(
  grid: Cell[][],
  values: number[],
  band: number[] | null,
  rowOf: (v: number) => number,
  series: number,
  color: boolean,
): void {
  values.forEach((v, c) => {
    const half = band?.[c] ?? NaN;
    if (!Number.isFinite(v) || !Number.isFinite(half)) return;
    for (let row = rowOf(v + half); row <= rowOf(v - half); row++) grid[row][c] = { char: color ? "░" : ".", series };
  });
}

/** A series' glyphs: box drawing for the first ten in colour, else its marker throughout. */
function glyphs(series: number, color: boolean): string {
  return color && series < COLORS.length ? BOX : MARKERS[series].repeat(BOX.length);
}

/** A row of cells as text, one escape sequence per stretch of one series. */
function joinCells(cells: Cell[], color: boolean): string {
  let text = "";
  for (let c = 0, end = 0; c < cells.length; c = end) {
    for (end = c + 1; end < cells.length && cells[end].series === cells[c].series;) end++;
    const chars = cells.slice(c, end).map((cell) => cell.char).join("");
    text += cells[c].series < 0 ? chars : paint(chars, cells[c].series, color);
  }
  return text;
}

/** The legend: each series' line or marker, then its name; one per line when they would not fit in 120 characters. */
function legend(series: ChartSeries[], color: boolean): string {
  const entries = series.map((s, j) =>
    `${paint(color ? glyphs(j, true)[1].repeat(3) : MARKERS[j], j, color)} ${s.name}`
  );
  const length = series.reduce((sum, s) => sum + s.name.length + 7, 0);
  return entries.join(length > 120 ? "\n" : "   ");
}

function paint(text: string, series: number, color: boolean): string {
  return color ? `\x1b[${COLORS[series % COLORS.length]}m${text}\x1b[0m` : text;
}

/**
 * The values in each of `width` columns spanning `xRange` (or the series'
 * own length without `x`): the mean of the points that fall in a column,
 * else linear interpolation between neighbours; NaN outside the series' x
 * range or next to a non-finite value.
 */
function resample(values: number[], width: number, x: number[] | undefined, xRange: [number, number]): number[] {
  const n = values.length;
  const xs = x ?? values.map((_, i) => (n === 1 ? 0 : i / (n - 1)));
  const [x0, x1] = x === undefined ? [0, 1] : xRange;
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) {
    const column = x1 === x0 ? 0 : Math.round(((xs[i] - x0) / (x1 - x0)) * (width - 1));
    if (!(column >= 0 && column < width)) continue;
    sums[column] += values[i]; // a non-finite value poisons its column
    counts[column]++;
  }
  const out = sums.map((sum, c) => (counts[c] > 0 ? sum / counts[c] : NaN));
  let previous = -1; // the last column holding points
  out.forEach((value, c) => {
    if (counts[c] === 0) return;
    for (let k = previous + 1; previous >= 0 && k < c; k++) {
      out[k] = out[previous] + ((k - previous) / (c - previous)) * (value - out[previous]);
    }
    previous = c;
  });
  return out;
}

/** Enough decimals to tell adjacent rows apart, at least two below 1000. */
function labelFormat(min: number, max: number, height: number): (value: number) => string {
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
