/**
 * The draw-and-classify page: one self-contained HTML file holding a run's
 * trained weights, a canvas to draw on, and the live top three classes,
 * computed in the page by {@linkcode forward} on the image
 * {@linkcode toModelInput} makes of the drawing, as `deno task predict`
 * makes it of an image file.
 *
 * @module
 */
import type { Conv2d, Dense, Layer, MaxPool2d } from "../layers/mod.ts";
import { maxPool2dGeometry } from "../kernels/mod.ts";
import { coverage, type Predictor, probabilities, toModelInput } from "../predict/mod.ts";
import { decodeTensors, forward, type PageLayer, type PageModel } from "./forward.ts";

/** The bytes as base64 text. */
function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(text);
}

/** One layer as the page runs it, or an error naming a layer the page cannot run. */
function pageLayer(layer: Layer, input: readonly number[]): PageLayer {
  const out = layer.outputShape(input);
  if (layer.kind === "conv2d") {
    const conv = layer as Conv2d, { stride, padding } = conv.geometry;
    const bias = conv.bias?.name ?? null;
    const kernelShape = [...conv.kernel.shape], pad = [padding.top, padding.left, padding.bottom, padding.right];
    return { kind: "conv2d", out, kernel: conv.kernel.name, bias, kernelShape, stride, pad };
  }
  if (layer.kind === "max_pool2d") {
    const { window, stride } = maxPool2dGeometry([input[1]!, input[2]!], (layer as MaxPool2d).options);
    return { kind: "max_pool2d", out, window, stride };
  }
  if (layer.kind === "dense") {
    const dense = layer as Dense;
    return { kind: "dense", out, weight: dense.weight.name, bias: dense.bias?.name ?? null };
  }
  if (layer.kind === "relu" || layer.kind === "sigmoid" || layer.kind === "flatten") return { kind: layer.kind, out };
  throw new Error(`the page cannot run a '${layer.kind}' layer`);
}

/**
 * What the page embeds of a predictor: its layers, weights, pixel transform
 * (as a per-pixel `scale` and `offset`) and class names.
 *
 * @param predictor from `loadPredictor`.
 * @param title shown on the page, e.g. the run folder.
 * @throws {Error} when the model has a layer the page cannot run.
 */
export function pageModel(
  predictor: Pick<Predictor, "labels" | "inputShape" | "model" | "transform">,
  title: string,
): PageModel {
  const size = predictor.inputShape.reduce((a, b) => a * b, 1);
  const [zero, full] = [0, 255].map((v) => {
    const out = new Float64Array(size);
    predictor.transform.apply(new Uint8Array(size).fill(v), 0, out, 0, size);
    return out;
  }) as [Float64Array, Float64Array];
  let shape = predictor.inputShape;
  const layers = predictor.model.layers.map((layer) => {
    const page = pageLayer(layer, shape);
    shape = page.out;
    return page;
  });
  const tensors = Object.fromEntries(
    predictor.model.params().map((p) => [p.name, base64(new Uint8Array(Float32Array.from(p.value).buffer))]),
  );
  return {
    title,
    labels: [...predictor.labels],
    inputShape: [...predictor.inputShape],
    layers,
    scale: [...full].map((f, i) => (f - zero[i]!) / 255),
    offset: [...zero],
    tensors,
  };
}

/** The page's script: the shared functions' own source, then the drawing and the live classification. */
function script(model: PageModel): string {
  const shared = [decodeTensors, forward, coverage, toModelInput, probabilities].map((f) => f.toString());
  // `<` escaped so that no string in the model can close the script element.
  return `const MODEL = ${JSON.stringify(model).replaceAll("<", "\\u003c")};
${shared.join("\n")}
${LIVE}`;
}

/** Drawing with a pointer (mouse, pen or finger) and classifying after each stroke segment. */
const LIVE = `const WEIGHTS = decodeTensors(MODEL.tensors);
const canvas = document.getElementById("draw"), ctx = canvas.getContext("2d");
const [, H, W] = MODEL.inputShape;
function clear() { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height); classify(); }
function classify() {
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const pixels = new Float64Array(canvas.width * canvas.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
  const input = toModelInput({ width: canvas.width, height: canvas.height, pixels }, { height: H, width: W });
  const p = probabilities(forward(MODEL, WEIGHTS, input));
  const top = [...p.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([k, probability]) => ({ class: k, label: MODEL.labels[k] ?? String(k), probability }));
  const seen = document.getElementById("seen"), small = seen.getContext("2d"), image = small.createImageData(W, H);
  input.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
  small.putImageData(image, 0, 0);
  document.getElementById("top").innerHTML = top.map((t) =>
    '<li><span class="label"></span><span class="bar" style="width:' + (t.probability * 100).toFixed(1) +
    '%"></span><span class="p">' + (t.probability * 100).toFixed(1) + '%</span></li>').join("");
  document.querySelectorAll("#top .label").forEach((e, i) => e.textContent = top[i].label);
  window.classified = { input: [...input], top };
}
let last = null, pending = false;
function at(e) { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; }
canvas.addEventListener("pointerdown", (e) => { canvas.setPointerCapture(e.pointerId); last = at(e); draw(e); });
canvas.addEventListener("pointermove", (e) => last && draw(e));
canvas.addEventListener("pointerup", () => { last = null; classify(); });
function draw(e) {
  const p = at(e);
  ctx.strokeStyle = "#fff"; ctx.lineWidth = canvas.width / 14; ctx.lineCap = ctx.lineJoin = "round";
  ctx.beginPath(); ctx.moveTo(...last); ctx.lineTo(...p); ctx.stroke(); last = p;
  if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; classify(); }); }
}
document.getElementById("clear").addEventListener("click", clear);
clear();`;

const STYLE = `body { font: 16px system-ui, sans-serif; margin: 24px; color: #222; }
main { display: flex; gap: 32px; align-items: flex-start; flex-wrap: wrap; }
#draw { border: 1px solid #888; touch-action: none; cursor: crosshair; width: 280px; height: 280px; }
#seen { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid #888; }
#top { list-style: none; padding: 0; width: 320px; }
#top li { display: grid; grid-template-columns: 110px 1fr 64px; align-items: center; margin: 8px 0; }
#top .bar { height: 18px; background: #3b7dd8; min-width: 1px; }
#top .p { text-align: right; font-variant-numeric: tabular-nums; }
small { color: #666; }`;

/**
 * The whole page: no network, no build step; the model is inlined as JSON.
 *
 * @param model from {@linkcode pageModel}.
 * @returns the HTML text.
 */
export function pageHtml(model: PageModel): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Draw and classify: ${esc(model.title)}</title><style>${STYLE}</style></head>
<body>
<h1>Draw and classify</h1>
<p><small>${esc(model.title)}: drawn light on dark, made ${model.inputShape[1]}x${model.inputShape[2]} as
<code>deno task predict</code> makes an image, and classified here by the run's weights.</small></p>
<main>
<div><canvas id="draw" width="280" height="280"></canvas><br><button id="clear">Clear</button></div>
<div><p>Top three</p><ol id="top"></ol><p>What the model sees</p>
<canvas id="seen" width="${model.inputShape[2]}" height="${model.inputShape[1]}"></canvas></div>
</main>
<script>${script(model)}</script>
</body>
</html>
`;
}
