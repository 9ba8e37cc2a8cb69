/// <reference lib="dom" />
/**
 * The draw-and-classify page's script, bundled for the browser: it rebuilds the run's network from the page's
 * {@linkcode PageConfig} and classifies what is drawn on the canvas after every stroke segment.
 *
 * @module
 */
import { toModelInput } from "../predict/input.ts";
import type { Tensor } from "../tensor/mod.ts";
import { classifyInput, type LayerSpec, type PageNetwork, pageNetwork } from "./network.ts";

/** What the page holds as JSON in `<script id="config">`. */
export interface PageConfig {
  /** `[C, H, W]` of one input. */
  inputShape: number[];
  /** The layers, from `layerSpecs`. */
  layers: LayerSpec[];
  /** The checkpoint: its bytes in base64, or a URL to fetch it from. */
  checkpoint: { base64: string } | { url: string };
}

/** The checkpoint's bytes. */
async function checkpointBytes(checkpoint: PageConfig["checkpoint"]): Promise<Uint8Array> {
  if ("base64" in checkpoint) return Uint8Array.from(atob(checkpoint.base64), (c) => c.charCodeAt(0));
  const response = await fetch(checkpoint.url);
  if (!response.ok) throw new Error(`${checkpoint.url}: ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Classifies the canvas and shows the input the model saw and the top three classes. */
function classify(net: PageNetwork, canvas: HTMLCanvasElement): void {
  const [, H, W] = net.model.inputShape as number[];
  const rgba = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
  const pixels = new Float64Array(canvas.width * canvas.height);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = 0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!;
  }
  const input = toModelInput({ width: canvas.width, height: canvas.height, pixels }, { height: H!, width: W! });
  const { probabilities, first } = classifyInput(net, input);
  const top = [...probabilities.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([k, probability]) => ({ class: k, label: net.labels[k] ?? String(k), probability }));
  const seen = $<HTMLCanvasElement>("seen").getContext("2d")!, image = seen.createImageData(W!, H!);
  input.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
  seen.putImageData(image, 0, 0);
  $("top").replaceChildren(...top.map((t) => {
    const li = document.createElement("li"), percent = `${(t.probability * 100).toFixed(1)}%`;
    li.innerHTML =
      `<span class="label"></span><span class="bar" style="width:${percent}"></span><span class="p"></span>`;
    li.querySelector(".label")!.textContent = t.label;
    li.querySelector(".p")!.textContent = percent;
    return li;
  }));
  showMaps(first);
  Object.assign(globalThis, { classified: { input: [...input], top, maps: first.shape[1] } });
}

/** Shows each channel of the first layer's output `[1, F, OH, OW]` as a grey image, black at its minimum. */
function showMaps(first: Tensor): void {
  if (first.shape.length !== 4) return;
  const [, F, H, W] = first.shape as number[], size = H! * W!, maps = $("maps");
  while (maps.children.length < F!) {
    maps.append(Object.assign(document.createElement("canvas"), { width: W, height: H }));
  }
  [...maps.children].forEach((canvas, f) => {
    const values = first.data.subarray(f * size, (f + 1) * size), ctx = (canvas as HTMLCanvasElement).getContext("2d")!;
    const lo = Math.min(...values), range = Math.max(...values) - lo || 1, image = ctx.createImageData(W!, H!);
    values.forEach((v, i) => image.data.set([...Array(3).fill(Math.round((v - lo) / range * 255)), 255], 4 * i));
    ctx.putImageData(image, 0, 0);
  });
}

/** Lets a pointer (mouse, pen or finger) draw light strokes on the dark canvas, classifying as it goes. */
function drawing(canvas: HTMLCanvasElement, classified: () => void): void {
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  let last: [number, number] | null = null, pending = false;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  const draw = (e: PointerEvent) => {
    const p = at(e);
    Object.assign(ctx, { strokeStyle: "#fff", lineWidth: canvas.width / 14, lineCap: "round", lineJoin: "round" });
    ctx.beginPath(), ctx.moveTo(...last!), ctx.lineTo(...p), ctx.stroke(), last = p;
    if (!pending) pending = true, requestAnimationFrame(() => (pending = false, classified()));
  };
  const clear = () => (ctx.fillStyle = "#000", ctx.fillRect(0, 0, canvas.width, canvas.height), classified());
  canvas.addEventListener("pointerdown", (e) => (canvas.setPointerCapture(e.pointerId), last = at(e), draw(e)));
  canvas.addEventListener("pointermove", (e) => last && draw(e));
  canvas.addEventListener("pointerup", () => (last = null, classified()));
  $("clear").addEventListener("click", clear);
  clear();
}

/** Builds the network from the page's config and starts drawing. */
async function main(): Promise<void> {
  const config: PageConfig = JSON.parse($("config").textContent!);
  const net = pageNetwork(config.layers, config.inputShape, await checkpointBytes(config.checkpoint));
  const canvas = $<HTMLCanvasElement>("draw");
  drawing(canvas, () => classify(net, canvas));
}

if (typeof document !== "undefined") main().catch((error) => console.error(error));
