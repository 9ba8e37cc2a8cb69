// ASCII line charts by asciichart (npm), which throws on NaN: each series is cut before its first non-finite value
// (the chart says where), resampled onto the chart's columns, and one that starts later is drawn as a plot of the
// same size moved right and overlaid.
// @ts-types="npm:@types/asciichart@1.5.8"
import * as asciichart from "asciichart";

/** One line of a chart, named in the legend. */
export interface ChartSeries {
  /** The name shown in the legend. */
  name: string;
  /** The y values; the line stops before the first non-finite one. */
  values: number[];
  /** The x of each value, ascending; when every series has it they share one x axis, else each spans the width. */
  x?: number[];
  /** Half a band's height around each value (e.g. a standard deviation); drawn by the HTML report only. */
  band?: number[];
}

type Symbols = [string, string, string, string, string, string, string, string, string, string];
// asciichart's symbols: 0 first value, 1 axis (blank: the frame draws the axis), 4 flat, 5 to 8 turns, 9 vertical.
const LINES = ["  ╶╴─╰╭╮╯│", "  ---++++|"];
const MARKERS = "ox#@%=~^&$abcdefghijklmnopqrstuvwxyz";
const COLORS = ["blue", "green", "red", "yellow", "magenta", "cyan", "lightblue", "lightgreen", "lightred"] as const;

/** The most series one chart tells apart without colour: box lines, ASCII lines, then a marker each. */
export const CHART_MAX_SERIES: number = LINES.length + MARKERS.length;

/** A series' symbols: box lines (every series in colour), ASCII lines for the second, then a marker each. */
const symbolsOf = (j: number, color: boolean) =>
  [...(color && j < COLORS.length ? LINES[0] : LINES[j] ?? "  " + MARKERS[j - 2].repeat(8))] as Symbols;

/**
 * Draws at most {@linkcode CHART_MAX_SERIES} series overlaid, the first on top, with the y and x ranges and a
 * legend; `height` is rows less one (default 10), `maxWidth` columns (default 70), `color` for terminals.
 */
export function renderChart(
  series: ChartSeries[],
  options: { title?: string; height?: number; color?: boolean; xLabel?: string; maxWidth?: number } = {},
): string {
  if (series.length > CHART_MAX_SERIES) {
    throw new RangeError(`at most ${CHART_MAX_SERIES} series, got ${series.length}`);
  }
  const { height = 10, color = false, xLabel = "" } = options;
  const paint = (text: string, j: number) =>
    color ? asciichart.colored(text, asciichart[COLORS[j % COLORS.length]]) : text;
  const width = Math.min(options.maxWidth ?? 70, Math.max(40, ...series.map((s) => s.values.length)));
  const shared = series.length > 0 && series.every((s) => s.x);
  const xs = shared ? series.flatMap((s) => s.x!) : [0, 1];
  const xRange = [Math.min(...xs), Math.max(...xs)] as const;
  const notes: string[] = [];
  const columns = series.map((s) => {
    const end = s.values.findIndex((v) => !Number.isFinite(v));
    const at = end === 0 ? "its start" : `${xLabel || "point"} ${s.x?.[end - 1] ?? end}`;
    if (end >= 0) notes.push(`${s.name} stops at ${at}, before a value of ${s.values[end]}`);
    return resample(s.values.slice(0, end < 0 ? undefined : end), width, shared ? s.x : undefined, xRange);
  });
  const legend = series.map((s, j) => `${paint(symbolsOf(j, color)[4].repeat(3), j)} ${s.name}`);
  const tail = [legend.join(legend.join("   ").length > 120 ? "\n" : "   "), ...notes];
  const title = options.title === undefined ? [] : [options.title];
  const finite = columns.flat().filter(Number.isFinite);
  if (finite.length === 0) return [...title, "(no finite values to plot)", ...tail].join("\n");
  let [min, max] = [Math.min(...finite), Math.max(...finite)];
  if (min === max) [min, max] = [min - (Math.abs(min) || 1) / 10, max + (Math.abs(max) || 1) / 10];
  const decimals = Math.min(8, Math.max(2, Math.ceil(-Math.log10((max - min) / height)) + 1)); // rows told apart
  const labelWidth = Math.max(...[min, max].map((v) => v.toFixed(decimals).length));
  const config = { min, max, height, format: (v: number) => v.toFixed(decimals).padStart(labelWidth) };
  const frame = asciichart.plot([min], { ...config, symbols: [..."┤┤        "] as Symbols }).split("\n");
  const grid = frame.map((row) => [...row.slice(labelWidth + 1).padEnd(width)].map((char) => ({ char, j: -1 })));
  for (let j = columns.length - 1; j >= 0; j--) {
    const start = columns[j].findIndex(Number.isFinite), values = columns[j].filter(Number.isFinite);
    if (start < 0) continue;
    // The first value twice, the offset one less, puts value k in column start + k; the frame has the labels.
    const blank = { format: () => " ".repeat(labelWidth), offset: 2 + start, symbols: symbolsOf(j, color) };
    asciichart.plot([values[0], ...values], { ...config, ...blank }).split("\n").forEach((row, r) =>
      [...row.slice(labelWidth + 1)].forEach((char, c) => char !== " " && (grid[r][c] = { char, j }))
    );
  }
  const rows = grid.map((cells, r) =>
    frame[r].slice(0, labelWidth + 1) + cells.map((c) => paint(c.char, c.j)).join("")
  );
  const [left, right] = shared ? xRange.map((x) => String(Number(x.toPrecision(4)))) : ["start", "end"];
  const gap = Math.max(1, width - left.length - right.length - xLabel.length), before = Math.floor(gap / 2);
  const indent = " ".repeat(labelWidth + 1);
  const xAxis = [
    `└${"─".repeat(width - 1)}`,
    `${left}${" ".repeat(before)}${xLabel}${" ".repeat(gap - before)}${right}`,
  ];
  return [...title, ...rows, ...xAxis.map((line) => indent + line), ...tail].map((line) => line.trimEnd()).join("\n");
}

/**
 * The values in `width` columns spanning `xRange` (or the series' own length without `x`): the mean of the
 * points in a column, else linear interpolation between neighbours; NaN outside the series' x range.
 */
function resample(values: number[], width: number, x: number[] | undefined, xRange: readonly number[]): number[] {
  const [x0, x1] = x ? xRange : [0, values.length - 1];
  const sums = new Array<number>(width).fill(0), counts = new Array<number>(width).fill(0);
  values.forEach((v, i) => {
    const column = x1 === x0 ? 0 : Math.round((((x?.[i] ?? i) - x0) / (x1 - x0)) * (width - 1));
    sums[column] += v;
    counts[column]++;
  });
  const out = sums.map((sum, c) => (counts[c] > 0 ? sum / counts[c] : NaN));
  for (let c = 0, previous = -1; c < width; c++) { // previous: the last column holding points
    if (counts[c] === 0) continue;
    for (let k = previous + 1; previous >= 0 && k < c; k++) {
      out[k] = out[previous] + ((k - previous) / (c - previous)) * (out[c] - out[previous]);
    }
    previous = c;
  }
  return out;
}
