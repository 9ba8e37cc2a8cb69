import assert from "node:assert/strict";
import { CHART_MAX_SERIES, renderChart } from "./ascii_chart.ts";

/** 0, 1, ..., 10 at x 0..10, and a second series from x 5 on, flat at 5. */
const rising = {
  name: "rising",
  values: Array.from({ length: 11 }, (_, i) => i),
  x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
};
const later = { name: "later", values: [5, 5], x: [5, 10] };

/** The chart's lines cut after the labels: character c is column c, the axis column 0. */
function cells(text: string, labelWidth: number): string[] {
  return text.split("\n").map((line) => line.slice(labelWidth + 1));
}

Deno.test("renderChart without colour labels the y and x ranges and tells the series apart", () => {
  const text = renderChart([rising, later], { title: "t", xLabel: "epoch", height: 10 });
  assert.ok(!text.includes("\x1b["), "no escape codes");
  const lines = text.split("\n");
  assert.equal(lines[0], "t");
  assert.match(lines[1], /^10\.00 /);
  assert.match(lines[11], /^ 0\.00 /);
  assert.match(lines[12], /^ {6}└─{39}$/, "an x axis 40 columns wide");
  assert.match(lines[13], /^ {6}0 +epoch +10$/);
  assert.equal(lines[14], "─── rising   --- later");
});

Deno.test("renderChart puts each value in its column: a later series starts where its first x falls", () => {
  const plot = cells(renderChart([rising, later], { height: 10 }), 5);
  // Row 0 is 10, row 10 is 0; x 0..10 spread over columns 0..39; asciichart turns into a value in its column.
  assert.equal(plot[10], "──╯", "the first value, 0, at the axis");
  assert.equal(plot[0].length, 40, "the last, 10, in the last column");
  assert.equal(plot[5], `┤${" ".repeat(17)}╭───╯${"-".repeat(17)}`, "x 5 is column round(5 / 10 * 39) = 20");
  assert.equal(cells(renderChart([later, rising], { height: 10 }), 5)[5].indexOf("─"), 20, "drawn on top when first");
});

Deno.test("renderChart draws a diverged series up to its last finite value and says where it stopped", () => {
  const diverged = { name: "loss", values: [1, 2, NaN, 40], x: [1, 2, 3, 4] };
  const text = renderChart([diverged], { xLabel: "epoch", height: 4 });
  const lines = text.split("\n");
  assert.match(lines[0], /^2\.00 ┤ {11}╭─$/, "the value after NaN is not drawn; x 2 is column 13");
  assert.equal(lines.at(-1), "loss stops at epoch 2, before a value of NaN");
  assert.match(lines.at(-3)!, /^\s+1\s+epoch\s+4$/, "the x axis still spans the run");
  assert.match(
    renderChart([{ name: "nan", values: [NaN] }]),
    /\(no finite values to plot\)\n─── nan\nnan stops at its start/,
  );
});

Deno.test("renderChart draws a single point, and a flat series in the middle of its range", () => {
  const text = renderChart([{ name: "one", values: [3], x: [2] }, { name: "flat", values: [3, 3], x: [1, 3] }]);
  assert.equal(cells(text, 5)[5], `${"-".repeat(20)}─${"-".repeat(19)}`, "the point at x 2, column 20, on the line");
  assert.match(text, /^3\.300 ┤\n/, "a flat range widened by a tenth either side");
});

Deno.test("renderChart with colour paints each series in asciichart's colours", () => {
  const text = renderChart([rising, later], { color: true });
  assert.ok(text.includes("\x1b[34m─"), "first series blue");
  assert.ok(text.includes("\x1b[32m─"), "second series green, in box lines too");
  assert.ok(!text.includes("-"), "no ASCII lines in colour");
});

Deno.test("renderChart resamples long series to the chart's columns and refuses too many series", () => {
  const long = { name: "sin", values: Array.from({ length: 1000 }, (_, i) => Math.sin(i / 100)) };
  const lines = renderChart([long], { maxWidth: 60 }).split("\n");
  assert.equal(Math.max(...lines.map((line) => line.length)), 6 + 60);
  const many = Array.from({ length: CHART_MAX_SERIES + 1 }, (_, i) => ({ name: `s${i}`, values: [i] }));
  assert.throws(() => renderChart(many), RangeError);
  const text = renderChart(many.slice(0, 3), { height: 2 });
  assert.ok(text.endsWith("─── s0   --- s1   ooo s2"), text);
});
