import assert from "node:assert/strict";
import { renderChart } from "./chart.ts";

const a = {
  name: "lr 0.01",
  values: [0.5, 0.6, 0.7, 0.75, 0.8],
  x: [1, 2, 3, 4, 5],
};
const b = {
  name: "lr 0.005",
  values: [0.45, 0.55, 0.62, 0.7],
  x: [1, 2, 3, 4],
};

Deno.test("renderChart without colour is plain ASCII with a marker per series", () => {
  const text = renderChart([a, b], {
    title: "accuracy",
    xLabel: "epoch",
    height: 8,
  });
  assert.ok(/^[\x20-\x7e\n]*$/.test(text), "only printable ASCII and newlines");
  const lines = text.split("\n");
  assert.equal(lines[0], "accuracy");
  assert.equal(lines.at(-1), "* lr 0.01   + lr 0.005");
  assert.ok(text.includes("*") && text.includes("+"));
  // min and max labels on the y axis, the x range under it.
  assert.match(lines[1], /^0\.800 \|/);
  assert.match(lines[9], /^0\.450 /);
  assert.match(lines.at(-2)!, /^\s+1\s+epoch\s+5$/);
});

Deno.test("renderChart with colour uses one ANSI colour per series", () => {
  const text = renderChart([a, b], { color: true });
  assert.ok(text.includes("\x1b[34m"), "first series blue");
  assert.ok(text.includes("\x1b[32m"), "second series green");
  assert.ok(text.split("\n").at(-1)!.includes("lr 0.005"));
});

Deno.test("renderChart resamples long series to at most 70 columns", () => {
  const long = {
    name: "sin",
    values: Array.from({ length: 1000 }, (_, i) => Math.sin(i / 100)),
  };
  const lines = renderChart([long, { name: "short", values: [0, 1] }]).split(
    "\n",
  );
  const widest = Math.max(...lines.map((line) => line.length));
  assert.ok(widest <= 6 + 2 + 70, `widest line is ${widest}`);
});

Deno.test("renderChart puts shared x values in the same columns", () => {
  // The short series ends at x = 2 of 4, so it must stop half way across.
  const text = renderChart(
    [{ name: "long", values: [0, 0, 0, 0], x: [1, 2, 3, 4] }, {
      name: "short",
      values: [1, 1],
      x: [1, 2],
    }],
    { height: 2, maxWidth: 31 },
  );
  const top = text.split("\n")[0];
  const plus = top.lastIndexOf("+");
  assert.ok(
    plus > 10 && plus < 25,
    `short series ends at column ${plus}: ${top}`,
  );
});

/** For each column of the plot area, whether any row holds a mark. */
function markedColumns(text: string, rows: number): boolean[] {
  const plot = text.split("\n").slice(0, rows).map((line) => line.slice(line.search(/[|*+]/)));
  return Array.from({ length: 40 }, (_, c) => plot.some((line) => (line[c] ?? " ") !== " " && line[c] !== "|"));
}

Deno.test("renderChart leaves a gap at NaN and survives all-NaN and flat series", () => {
  const marked = markedColumns(renderChart([{ name: "diverged", values: [1, 2, NaN, NaN, 3] }]), 11);
  // Values 0..4 land in columns 0, 10, 20, 29, 39: the line runs to column 10, then nothing until the 3 at the end.
  assert.deepEqual(marked.slice(0, 11), new Array(11).fill(true));
  assert.deepEqual(marked.slice(11, 39), new Array(28).fill(false));
  assert.equal(marked[39], true);
  assert.match(renderChart([{ name: "x", values: [NaN] }]), /no finite values/);
  const flat = renderChart([{ name: "flat", values: [1, 1, 1] }]);
  assert.match(flat, /^1\.00 \*+$/m);
});

Deno.test("renderChart tells more than ten series apart, in plain text and in colour", () => {
  const many = Array.from({ length: 12 }, (_, j) => ({ name: `run${j}`, values: [j, j + 0.5] }));
  const plain = renderChart(many, { height: 22 });
  // 23 plot rows, the axis and its labels, then one legend line per series (twelve do not fit on one).
  const legend = plain.split("\n").slice(25).map((entry) => entry.split(" ")[0]);
  assert.equal(new Set(legend).size, 12, legend.join(" "));
  for (const marker of legend) assert.ok(plain.split("\n").slice(0, 23).some((l) => l.includes(marker)), marker);
  const colored = renderChart(many, { color: true });
  const samples = colored.split("\n").slice(13).map((entry) => entry.split(" ")[0]);
  assert.equal(new Set(samples).size, 12, samples.join(" "));
  assert.throws(() => renderChart(Array.from({ length: 63 }, () => many[0])), /at most 62 series/);
});

Deno.test("renderChart shades a series' band under its line", () => {
  const lines = renderChart([{ name: "mean", values: [1, 1, 1], band: [0.5, 0.5, 0.5] }], { height: 4 }).split("\n");
  assert.match(lines[0], /^1\.50 \.+$/);
  assert.match(lines[2], /^1\.00 \*+$/);
  assert.match(lines[4], /^0\.50 \.+$/);
});

Deno.test("renderChart draws the first series on top where series overlap", () => {
  const same = [0.5, 0.7, 0.6];
  const lines = renderChart([{ name: "a", values: same }, {
    name: "b",
    values: same,
  }], { height: 4 })
    .split("\n");
  const plot = lines.slice(0, 5).join("\n");
  assert.ok(
    plot.includes("*") && !plot.includes("+ ") && !/\+\*/.test(plot),
    plot,
  );
  // Only the axis corner (a "+" under the labels) remains of b's marker set.
  assert.equal(lines.filter((line) => /\d \+/.test(line)).length, 0, plot);
});
