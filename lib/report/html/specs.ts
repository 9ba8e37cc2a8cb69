// The reports' charts: Vega-Lite specs (data inlined, so each `charts/*.vl.json` reopens as it is), rendered to SVG.
import type { TopLevelSpec } from "vega-lite";
import { escapeHtml } from "./page.ts";

/** A Vega-Lite specification, as written to `charts/*.vl.json`. */
export type VegaLiteSpec = TopLevelSpec;

/** The schema every spec names, so an editor can reopen it. */
const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Vega and Vega-Lite, imported on first use: loading them takes about a second every command would pay. */
let libraries: Promise<[typeof import("vega"), typeof import("vega-lite")]> | null = null;

/** Renders a spec to an SVG element, by Vega's headless view; give each chart on a page its own `idPrefix`. */
export async function renderSvg(spec: VegaLiteSpec, options: { idPrefix?: string } = {}): Promise<string> {
  const [vega, { compile }] = await (libraries ??= Promise.all([import("vega"), import("vega-lite")]));
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return renumberIds(await view.toSVG(), options.idPrefix ?? "chart");
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers clip paths and gradients with process-wide counters; inline SVGs share one id space, so each
 * chart's ids are renamed `<prefix>-<n>`: unique on the page, and the same however many charts came before.
 */
function renumberIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const [, id] of svg.matchAll(/ id="([^"]+)"/g)) ids.set(id!, `${prefix}-${ids.size}`);
  return svg.replace(/ id="([^"]+)"|url\(#([^)]+)\)/g, (all, id?: string, ref?: string) => {
    if (id !== undefined) return ` id="${ids.get(id)}"`;
    return ids.has(ref!) ? `url(#${ids.get(ref!)})` : all;
  });
}

/** A chart to render: its name (`data-chart`, and `<name>.vl.json`), spec, caption and finite points drawn. */
export interface Chart {
  name: string;
  spec: VegaLiteSpec;
  caption: string;
  points?: number;
}

/**
 * The charts as figures with their captions, each linking its spec in `specDir` (none without); `wide`: as wide as
 * the page. `data-points` is for the browser tests.
 */
export async function figures(charts: Chart[], options: { specDir?: string; wide?: boolean } = {}): Promise<string> {
  const made = await Promise.all(charts.map(async (c) => {
    const svg = await renderSvg(c.spec, { idPrefix: c.name });
    const spec = `${options.specDir}/${c.name}.vl.json`;
    const link = options.specDir ? ` <a href="${escapeHtml(spec)}">Vega-Lite spec</a>` : "";
    const points = c.points === undefined ? "" : `data-points="${c.points}" `;
    return `<figure ${points}class="chart${options.wide ? " wide" : ""}" data-chart="${escapeHtml(c.name)}">${svg}` +
      `<figcaption>${escapeHtml(c.caption)}${link}</figcaption></figure>`;
  }));
  return made.join("\n");
}

/** One point of a curve; non-finite `y` is left out; `band` is half the band's height (group means). */
export interface CurvePoint {
  series: string;
  x: number;
  y: number;
  band?: number;
}

/** Keeps at most `max` evenly spaced points of each series (in x order), always its last; `every`: largest step. */
export function thin<T extends { series: string }>(points: T[], max = 400): { points: T[]; every: number } {
  const bySeries = Map.groupBy(points, (p) => p.series);
  let every = 1;
  const kept = [...bySeries.values()].flatMap((list) => {
    const step = Math.ceil(list.length / max);
    every = Math.max(every, step);
    return list.filter((_, i) => i % step === 0 || i === list.length - 1);
  });
  return { points: kept, every };
}

/** A line chart with a point per value, one colour per series, and a ± band when points have one. */
export function curveSpec(
  points: CurvePoint[],
  options: { title: string; subtitle?: string; x: string; y: string; xDiscrete?: boolean },
): VegaLiteSpec {
  const values = points.filter((p) => Number.isFinite(p.y)).map((p) => ({
    ...p,
    ...(p.band !== undefined && Number.isFinite(p.band) ? { low: p.y - p.band, high: p.y + p.band } : {}),
  }));
  const ticks = options.xDiscrete ? { axis: { tickMinStep: 1 } } : {};
  const x = { field: "x", type: "quantitative", title: options.x, ...ticks };
  const color = seriesColor({ orient: "bottom", columns: 2, labelLimit: 400 });
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

/** The colour channel of the series, with its legend and, if given, a scale. */
function seriesColor(legend: object, scale?: object): object {
  return { field: "series", type: "nominal", title: null, legend, ...(scale ? { scale } : {}) };
}

/** A confusion matrix (`matrix[t][p]`: images of true class t predicted as p) as a heat map with counts. */
export function confusionSpec(matrix: number[][], options: { classNames: string[]; title: string }): VegaLiteSpec {
  const names = options.classNames.map((name, k) => name || String(k));
  const values = matrix.flatMap((row, t) => row.map((count, p) => ({ truth: names[t], predicted: names[p], count })));
  const max = Math.max(1, ...values.map((v) => v.count));
  const axis = (field: string, title: string) => ({ field, type: "ordinal", sort: names, title });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title,
    data: { values },
    width: { step: names.length > 5 ? 40 : 60 },
    height: { step: names.length > 5 ? 28 : 40 },
    encoding: {
      y: axis("truth", "true class"),
      x: { ...axis("predicted", "predicted class"), axis: { labelAngle: -40 } },
    },
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

/**
 * One point of a run's metric by training samples seen: `series` is the split of a single-arm run, the arm of a
 * multi-arm one; `description` a line for screen readers and tests, e.g. `test, 3000 samples: 0.8300`.
 */
export interface MetricPoint extends CurvePoint {
  split: string;
  description: string;
}

/** A write-up's figure, drawn as a dashed line coloured as its series, labelled e.g. `write-up 0.780`. */
export interface ReferenceLine {
  series: string;
  y: number;
  label: string;
}

/**
 * One metric of a run: training intervals as a thin line, evaluations as a thick line with large markers, and
 * `references` as dashed lines; `shapes` marks evaluation splits by shape (multi-arm runs: colour is the arm).
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
  const color = seriesColor({ orient: "top", labelLimit: 400 }, options.colors);
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
    width: 960, // the page's width once axes and padding are added
    height: 210,
    // Fixed margins, so the plots of a page's charts line up whatever their labels.
    autosize: { type: "none", contains: "content" },
    padding: { left: 70, right: 20, top: 62, bottom: 42 },
    data: { values },
    layer: layers,
  } as VegaLiteSpec;
}
