import assert from "node:assert/strict";
import { confusionSpec, type CurvePoint, curveSpec, type MetricPoint, metricSpec, thin } from "./specs.ts";

const series = (name: string, n: number): CurvePoint[] =>
  Array.from({ length: n }, (_, i) => ({ series: name, x: i, y: i * 2 }));

Deno.test("thin() keeps short series whole and thins long ones evenly, always keeping the last point", () => {
  const short = series("a", 10);
  assert.deepEqual(thin(short, 10), { points: short, every: 1 });
  const { points, every } = thin([...series("a", 1000), ...series("b", 5)], 100);
  assert.equal(every, 10);
  const a = points.filter((p) => p.series === "a");
  assert.equal(a.length, 101);
  assert.deepEqual(a.slice(0, 2).map((p) => p.x), [0, 10]);
  assert.equal(a.at(-1)!.x, 999);
  assert.equal(points.filter((p) => p.series === "b").length, 5);
});

Deno.test("curveSpec() leaves out non-finite values and adds a band layer only for points with a band", () => {
  const plain = curveSpec([...series("a", 3), { series: "a", x: 3, y: NaN }], { title: "t", x: "x", y: "y" }) as {
    data: { values: unknown[] };
    layer: unknown[];
  };
  assert.equal(plain.data.values.length, 3);
  assert.equal(plain.layer.length, 1);
  const banded = curveSpec([{ series: "g", x: 1, y: 0.5, band: 0.1 }], { title: "t", x: "x", y: "y" }) as {
    data: { values: { low: number; high: number }[] };
    layer: unknown[];
  };
  assert.equal(banded.layer.length, 2);
  assert.deepEqual([banded.data.values[0]!.low, banded.data.values[0]!.high], [0.4, 0.6]);
});

Deno.test("confusionSpec() has one cell per true and predicted class, named", () => {
  const spec = confusionSpec([[5, 1], [2, 7]], { classNames: ["Trouser", "Dress"], title: "t" }) as {
    data: { values: { truth: string; predicted: string; count: number }[] };
  };
  assert.deepEqual(spec.data.values[1], { truth: "Trouser", predicted: "Dress", count: 1 });
  assert.equal(spec.data.values.length, 4);
});

Deno.test("metricSpec() draws training and evaluations from one data set, and reference lines only when given", () => {
  const points: MetricPoint[] = [
    { series: "train", split: "train", x: 100, y: 2, description: "" },
    { series: "train", split: "train", x: 200, y: NaN, description: "" },
    { series: "test", split: "test", x: 200, y: 1, description: "" },
  ];
  type Spec = { data: { values: MetricPoint[] }; layer: { mark: { type: string }; data?: { values: unknown[] } }[] };
  const plain = metricSpec(points, { title: "Loss", y: "loss" }) as unknown as Spec;
  assert.deepEqual(plain.data.values.map((p) => p.x), [100, 200], "one x axis; the NaN left out");
  assert.deepEqual(plain.layer.map((l) => l.mark.type), ["line", "line"]);
  const references = [{ series: "test", y: 0.6, label: "write-up 0.600" }];
  const ruled = metricSpec(points, { title: "Loss", y: "loss", references }) as unknown as Spec;
  assert.deepEqual(ruled.layer.map((l) => l.mark.type), ["line", "line", "rule", "text"]);
  assert.deepEqual(ruled.layer[2]!.data!.values, references);
});
