/**
 * The Vega-Lite specs of the reports' charts: curves (one colour per series,
 * optionally with a ± band) and confusion-matrix heat maps. Data is inlined,
 * so each spec written to `charts/*.vl.json` reopens as it is.
 *
 * @module
 */
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./vega.ts";

/** Points kept per series at most; longer series are thinned, and the chart says so. */
export const MAX_POINTS_PER_SERIES = 400;

/** One point of a curve. */
export interface CurvePoint {
  /** The series (arm, split, run or group). */
  series: string;
  /** The x value. */
  x: number;
  /** The y value; non-finite values are left out. */
  y: number;
  /** Half the band's height, for group means. */
  band?: number;
}

/**
 * Keeps at most `max` evenly spaced points of each series, always its last one.
 *
 * @param points the points, each series in x order.
 * @param max points kept per series; default {@linkcode MAX_POINTS_PER_SERIES}.
 * @returns the kept points and the largest step used (1: nothing dropped).
 */
export function thin<T extends { series: string }>(
  points: T[],
  max: number = MAX_POINTS_PER_SERIES,
): { points: T[]; every: number } {
  const bySeries = Map.groupBy(points, (p) => p.series);
  let every = 1;
  const kept = [...bySeries.values()].flatMap((list) => {
    const step = Math.ceil(list.length / max);
    every = Math.max(every, step);
    return list.filter((_, i) => i % step === 0 || i === list.length - 1);
  });
  return { points: kept, every };
}

/**
 * A line chart with a point per value, one colour per series, and a ± band when points have one.
 *
 * @param points the curve points (already thinned).
 * @param options axis titles and the chart's title and subtitle.
 */
export function curveSpec(
  points: CurvePoint[],
  options: { title: string; subtitle?: string; x: string; y: string; xDiscrete?: boolean },
): VegaLiteSpec {
  const values = points.filter((p) => Number.isFinite(p.y)).map((p) => ({
    ...p,
    ...(p.band !== undefined && Number.isFinite(p.band) ? { low: p.y - p.band, high: p.y + p.band } : {}),
  }));
  const x = {
    field: "x",
    type: "quantitative",
    title: options.x,
    ...(options.xDiscrete ? { axis: { tickMinStep: 1 } } : {}),
  };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    legend: { orient: "bottom", columns: 2, labelLimit: 400 },
  };
  const layers: object[] = [
    {
      mark: { type: "line", point: true, strokeWidth: 1.5 },
      encoding: { x, y: { field: "y", type: "quantitative", title: options.y, scale: { zero: false } }, color },
    },
  ];
  if (values.some((v) => "low" in v)) {
    layers.unshift({
      mark: { type: "area", opacity: 0.2 },
      encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    width: 330,
    height: 190,
    data: { values },
    layer: layers,
  } as VegaLiteSpec;
}

/**
 * A confusion matrix as a heat map with the count in each cell, true class down, predicted across.
 *
 * @param matrix `matrix[t][p]`: images of true class t predicted as p.
 * @param options the class names and the title.
 */
export function confusionSpec(matrix: number[][], options: { classNames: string[]; title: string }): VegaLiteSpec {
  const names = options.classNames.map((name, k) => name || String(k));
  const values = matrix.flatMap((row, t) => row.map((count, p) => ({ truth: names[t], predicted: names[p], count })));
  const max = Math.max(1, ...values.map((v) => v.count));
  const axis = (title: string) => ({
    field: title === "true class" ? "truth" : "predicted",
    type: "ordinal",
    sort: names,
    title,
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title,
    data: { values },
    width: { step: names.length > 5 ? 40 : 60 },
    height: { step: names.length > 5 ? 28 : 40 },
    encoding: { y: axis("true class"), x: { ...axis("predicted class"), axis: { labelAngle: -40 } } },
    layer: [
      {
        mark: "rect",
        encoding: { color: { field: "count", type: "quantitative", scale: { scheme: "blues" }, title: "images" } },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: `datum.count > ${max / 2}`, value: "white" }, value: "black" },
        },
      },
    ],
  } as VegaLiteSpec;
}

/** One point of a run's metric: training interval or evaluation, by training samples seen. */
export interface MetricPoint {
  /** The legend entry: the split of a single-arm run, the arm of a multi-arm one. */
  series: string;
  /** `train`, `validation` or `test`. */
  split: string;
  /** Training samples seen (of this arm) when the value was measured. */
  x: number;
  /** The value; non-finite values are left out. */
  y: number;
  /** One line for screen readers and tests, e.g. `test, 3000 samples: 0.8300`. */
  description: string;
}

/** A figure to draw as a dashed horizontal line across the chart, coloured as the series it belongs to. */
export interface ReferenceLine {
  /** The legend entry it belongs to (as in {@linkcode MetricPoint.series}). */
  series: string;
  /** The value. */
  y: number;
  /** Its label, drawn over the line at the left, e.g. `write-up 0.780`. */
  label: string;
}

/** Plot width of a run report's metric chart: the page's width once axes and padding are added. */
export const WIDE_CHART_WIDTH = 960;

/**
 * One metric of a run: training intervals as a thin line, evaluations as a thick line with large markers, both
 * against training samples seen, with the write-up's figures as dashed reference lines.
 *
 * @param points the points (training series already thinned).
 * @param options titles; `shapes`: mark evaluation splits by shape (multi-arm runs, where colour is the arm);
 *   `references`: the reference lines.
 */
export function metricSpec(
  points: MetricPoint[],
  options: {
    title: string;
    subtitle?: string;
    y: string;
    shapes?: boolean;
    references?: ReferenceLine[];
    colors?: { domain: string[]; range?: string[] };
  },
): VegaLiteSpec {
  const values = points.filter((p) => Number.isFinite(p.y));
  const x = {
    field: "x",
    type: "quantitative",
    title: "training samples seen (images)",
    scale: { domainMin: 0 }, // every metric's chart on the same axis, evaluations only or not
    axis: { format: ",d", tickCount: 10 },
  };
  const y = { field: "y", type: "quantitative", title: options.y, scale: { zero: false } };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    legend: { orient: "top", labelLimit: 400 },
    ...(options.colors ? { scale: options.colors } : {}),
  };
  const common = { x, y, color, detail: { field: "split" }, description: { field: "description" } };
  const layers: object[] = [
    {
      transform: [{ filter: "datum.split === 'train'" }],
      mark: { type: "line", strokeWidth: 1.2, opacity: 0.55, point: { size: 8, filled: true } },
      encoding: common,
    },
    {
      transform: [{ filter: "datum.split !== 'train'" }],
      mark: { type: "line", strokeWidth: 2.2, point: { size: 70, filled: true } },
      encoding: {
        ...common,
        ...(options.shapes
          ? { shape: { field: "split", type: "nominal", title: null, legend: { orient: "top" } } }
          : {}),
      },
    },
  ];
  const references = options.references ?? [];
  if (references.length) {
    const data = { values: references };
    const ruleY = { field: "y", type: "quantitative" };
    layers.push(
      { data, mark: { type: "rule", strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: ruleY, color } },
      {
        data,
        // At the left, over the line: where training starts, far from where it ends.
        mark: { type: "text", align: "left", baseline: "bottom", dx: 4, dy: -2, fontSize: 11, fontWeight: "bold" },
        encoding: { y: ruleY, x: { value: 0 }, text: { field: "label" }, color },
      },
    );
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, anchor: "start", ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    width: WIDE_CHART_WIDTH,
    height: 210,
    // Fixed margins, so the plots of a page's charts line up whatever their labels.
    autosize: { type: "none", contains: "content" },
    padding: { left: 70, right: 20, top: 62, bottom: 42 },
    data: { values },
    layer: layers,
  } as VegaLiteSpec;
}
