/// <reference lib="dom" />
/**
 * The playground's pictures: line charts of the metrics, filters and
 * feature maps as images, the confusion matrix as a shaded table.
 *
 * @module
 */
import type { Tensor } from "../lib/tensor/mod.ts";

/** One line of a chart: its name, colour and points `[samples seen, value]`. */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  /** Dots, for evaluations (few points). */
  dots?: boolean;
}

const PALETTE = ["#2f6fde", "#e4572e", "#17a398", "#8e44ad", "#f0a202", "#555"];

/** The colour of the n-th arm. */
export function armColor(n: number): string {
  return PALETTE[n % PALETTE.length]!;
}

/** Sizes a canvas's backing store to its shown size (sharp on high-density screens) and returns its context. */
function fitted(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = globalThis.devicePixelRatio || 1, { width, height } = canvas.getBoundingClientRect();
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** Three-significant-digit axis labels: 12k, 0.25. */
function tick(value: number): string {
  if (Math.abs(value) >= 1000) return `${+(value / 1000).toPrecision(3)}k`;
  return String(+value.toPrecision(3));
}

/** Draws the series on a canvas, with axes, a few ticks and a legend. */
export function drawChart(canvas: HTMLCanvasElement, series: Series[], options: { yFrom?: number } = {}): void {
  const { ctx, width, height } = fitted(canvas);
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const rows = Math.ceil(series.length / 4), pad = { left: 44, right: 18, top: 8, bottom: 30 + 13 * rows };
  const plotW = width - pad.left - pad.right, plotH = height - pad.top - pad.bottom;
  const xMax = Math.max(1, ...all.map(([x]) => x));
  let yMin = options.yFrom ?? Math.min(...all.map(([, y]) => y)), yMax = Math.max(...all.map(([, y]) => y));
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMax - yMin < 1e-9) yMax = yMin + 1;
  const X = (x: number) => pad.left + (x / xMax) * plotW,
    Y = (y: number) => pad.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;
  ctx.font = "11px system-ui, sans-serif";
  ctx.strokeStyle = "#e3e6ec", ctx.fillStyle = "#6b7280", ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = yMin + ((yMax - yMin) * i) / 4, x = (xMax * i) / 4;
    ctx.beginPath(), ctx.moveTo(pad.left, Y(y)), ctx.lineTo(width - pad.right, Y(y)), ctx.stroke();
    ctx.textAlign = "right", ctx.fillText(tick(y), pad.left - 6, Y(y) + 4);
    ctx.textAlign = "center", ctx.fillText(tick(x), X(x), height - pad.bottom + 14);
  }
  ctx.textAlign = "right", ctx.fillText("samples seen", width - pad.right, height - pad.bottom + 26);
  let legend = pad.left, line = height - 18;
  for (const s of series) {
    ctx.strokeStyle = ctx.fillStyle = s.color, ctx.lineWidth = s.dots ? 1.5 : 1.8;
    ctx.setLineDash(s.dots ? [4, 3] : []);
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
    ctx.stroke(), ctx.setLineDash([]);
    if (s.dots) {
      for (const [x, y] of s.points) ctx.beginPath(), ctx.arc(X(x), Y(y), 3.5, 0, 2 * Math.PI), ctx.fill();
    }
    const w = 22 + ctx.measureText(s.name).width;
    if (legend + w > width - pad.right) legend = pad.left, line += 13;
    ctx.fillRect(legend, line - 4, 10, 3), ctx.fillStyle = "#374151", ctx.textAlign = "left";
    ctx.fillText(s.name, legend + 14, line);
    legend += w;
  }
}

/** A canvas showing `values` (`h` by `w`), each pixel coloured by `color` of its value scaled to [0, 1]. */
function imageCanvas(values: ArrayLike<number>, size: { h: number; w: number; scale: number; diverging?: boolean }) {
  const canvas = document.createElement("canvas");
  Object.assign(canvas, { width: size.w, height: size.h });
  Object.assign(canvas.style, { width: `${size.w * size.scale}px`, height: `${size.h * size.scale}px` });
  const ctx = canvas.getContext("2d")!, image = ctx.createImageData(size.w, size.h);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < size.h * size.w; i++) lo = Math.min(lo, values[i]!), hi = Math.max(hi, values[i]!);
  const bound = Math.max(Math.abs(lo), Math.abs(hi)) || 1, range = hi - lo || 1;
  for (let i = 0; i < size.h * size.w; i++) {
    const v = values[i]!;
    let rgb: number[];
    if (size.diverging) { // blue negative, white zero, red positive
      const t = Math.min(1, Math.abs(v) / bound);
      rgb = v < 0
        ? [255 * (1 - t) + 47 * t, 255 * (1 - t) + 111 * t, 255 * (1 - t) + 222 * t]
        : [255 * (1 - t) + 228 * t, 255 * (1 - t) + 87 * t, 255 * (1 - t) + 46 * t];
    } else rgb = Array(3).fill(((v - lo) / range) * 255);
    image.data.set([...rgb.map(Math.round), 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** The first layer's filters `[F, C, KH, KW]`, first channel of each, blue negative to red positive. */
export function drawFilters(into: HTMLElement, filters: Tensor): void {
  if (filters.shape.length !== 4) {
    return void into.replaceChildren(
      Object.assign(document.createElement("small"), { textContent: "no convolution first" }),
    );
  }
  const [F, C, KH, KW] = filters.shape as number[], plane = KH! * KW!;
  const scale = Math.max(4, Math.floor(36 / Math.max(KH!, KW!)));
  into.replaceChildren(
    ...Array.from(
      { length: Math.min(F!, 16) },
      (_, f) =>
        imageCanvas(filters.data.subarray(f * C! * plane, f * C! * plane + plane), {
          h: KH!,
          w: KW!,
          scale,
          diverging: true,
        }),
    ),
  );
}

/** Each image `[N, 1, H, W]` and its feature maps `[N, F, OH, OW]`, one row per image, grey from minimum to maximum. */
export function drawMaps(into: HTMLElement, images: Tensor, maps: Tensor): void {
  const [N, , H, W] = images.shape as number[], [, F, OH, OW] = maps.shape as number[];
  into.replaceChildren(...Array.from({ length: N! }, (_, n) => {
    const row = document.createElement("div");
    row.className = "row";
    const input = imageCanvas(images.data.subarray(n * H! * W!, (n + 1) * H! * W!), { h: H!, w: W!, scale: 2 });
    input.className = "input";
    const plane = OH! * OW!;
    row.append(
      input,
      ...Array.from(
        { length: F! },
        (_, f) =>
          imageCanvas(maps.data.subarray((n * F! + f) * plane, (n * F! + f + 1) * plane), { h: OH!, w: OW!, scale: 2 }),
      ),
    );
    return row;
  }));
}

/** The confusion matrix as a table, each cell shaded by its share of its true class. */
export function drawConfusion(
  into: HTMLElement,
  matrix: number[][],
  options: { classNames: string[]; caption: string },
): void {
  const table = document.createElement("table");
  table.createCaption().textContent = options.caption;
  const head = table.insertRow();
  head.append(Object.assign(document.createElement("th"), { textContent: "true \\ predicted" }));
  matrix.forEach((_, k) =>
    head.append(
      Object.assign(document.createElement("th"), { textContent: String(k), title: options.classNames[k] ?? "" }),
    )
  );
  matrix.forEach((counts, t) => {
    const row = table.insertRow(), total = counts.reduce((a, b) => a + b, 0) || 1;
    row.append(Object.assign(document.createElement("th"), { textContent: `${options.classNames[t] ?? t} (${t})` }));
    counts.forEach((count, p) => {
      const cell = row.insertCell(), share = count / total;
      cell.textContent = String(count);
      const hue = t === p ? "47, 111, 222" : "228, 87, 46";
      cell.style.background = `rgba(${hue}, ${Math.min(1, share * (t === p ? 1 : 3)).toFixed(3)})`;
      if (share > 0.6) cell.style.color = "#fff";
    });
  });
  into.replaceChildren(table);
}
