/**
 * The playground's page: the form, the progress bar, the charts, the
 * pictures and the confusion matrix; `playground.js` fills them in.
 *
 * @module
 */

const STYLE = `
:root { --ink: #1d2330; --muted: #6b7280; --line: #e3e6ec; --card: #fff; --bg: #f4f6fa; --accent: #2f6fde; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--ink); background: var(--bg); }
header { padding: 18px 28px 6px; }
h1 { font-size: 22px; margin: 0 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 8px; }
header p { margin: 0; color: var(--muted); }
main { display: grid; grid-template-columns: 300px minmax(0, 1fr); gap: 16px; padding: 14px 28px 28px; align-items: start; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
section { display: grid; gap: 16px; min-width: 0; }
label { display: grid; grid-template-columns: 110px 1fr; align-items: center; gap: 8px; margin: 6px 0; }
label span { color: var(--muted); }
input, select { font: inherit; padding: 4px 6px; border: 1px solid #cfd4dc; border-radius: 6px; width: 100%; background: #fff; }
#title { color: var(--muted); font-size: 12.5px; margin: 4px 0 8px; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 12px 0 6px; }
button { font: inherit; padding: 5px 10px; border-radius: 6px; border: 1px solid #cfd4dc; background: #fff; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); font-weight: 600; }
button:disabled { opacity: 0.45; cursor: default; }
#message { color: #b42318; white-space: pre-wrap; font-size: 12.5px; margin: 6px 0; }
#message:empty { display: none; }
#downloads a { display: inline-block; margin: 4px 8px 0 0; color: var(--accent); }
#downloads a[aria-disabled="true"] { color: #aab; pointer-events: none; }
#command { font-size: 12px; color: var(--muted); word-break: break-all; }
.progress-head { display: flex; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
#status { font-weight: 600; }
#rate { color: var(--muted); font-variant-numeric: tabular-nums; }
.bar { height: 10px; background: #e8ecf3; border-radius: 5px; overflow: hidden; margin-top: 8px; }
#bar-fill { height: 100%; width: 0; background: linear-gradient(90deg, #2f6fde, #5aa0f5); transition: width 0.2s; }
.charts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.charts canvas { width: 100%; height: 210px; display: block; }
.pictures { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.35fr); gap: 8px 24px; }
#filters, #maps { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
#maps .row { display: flex; flex-wrap: wrap; gap: 4px; width: 100%; align-items: center; }
#maps canvas, #filters canvas { image-rendering: pixelated; border-radius: 3px; border: 1px solid var(--line); }
#maps canvas.input { border-color: #9aa5b8; margin-right: 8px; }
.bottom { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 16px; align-items: start; }
#confusion table { border-collapse: collapse; font-size: 11.5px; font-variant-numeric: tabular-nums; }
#confusion td, #confusion th { padding: 1px 4px; text-align: right; }
#confusion th { color: var(--muted); font-weight: 500; }
#confusion td { min-width: 30px; border-radius: 3px; }
#confusion caption { text-align: left; color: var(--muted); margin-bottom: 4px; }
#summary { font: 12px/1.4 ui-monospace, monospace; white-space: pre; color: #374151; margin: 0; overflow: auto; }
small { color: var(--muted); }
`;

/** The page's HTML: empty panels and the script. */
export function playgroundHtml(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>CNN playground</title><style>${STYLE}</style></head>
<body data-state="idle">
<header><h1>CNN playground</h1>
<p>Train the suite's experiments here, in a Web Worker on the same WebAssembly kernels as
<code>deno task exp:NAME</code>: the same settings give the same numbers.</p></header>
<main>
<aside class="card" id="controls">
<h2>Experiment</h2>
<label><span>experiment</span><select id="experiment"></select></label>
<p id="title"></p>
<label><span>arm</span><select id="arm"></select></label>
<div id="fields"></div>
<div class="buttons"><button id="train" class="primary">Train</button><button id="pause" disabled>Pause</button>
<button id="resume" disabled>Resume</button><button id="stop" disabled>Stop</button></div>
<p id="message"></p>
<div id="downloads"><a id="download-metrics" download="metrics.csv" aria-disabled="true">metrics.csv</a><a
id="download-manifest" download="manifest.json" aria-disabled="true">manifest.json</a><a
id="download-model" download="model.safetensors" aria-disabled="true">model.safetensors</a><span id="arm-models"></span></div>
<p id="command"></p>
</aside>
<section>
<div class="card"><div class="progress-head"><span id="status">Pick an experiment and press Train</span><span id="rate"></span></div>
<div class="bar"><div id="bar-fill"></div></div></div>
<div class="charts"><div class="card"><h2>Loss</h2><canvas id="chart-loss"></canvas></div>
<div class="card"><h2>Accuracy</h2><canvas id="chart-accuracy"></canvas></div></div>
<div class="card pictures"><div><h2>First-layer filters</h2><div id="filters"></div></div>
<div><h2>Feature maps of evaluation images</h2><div id="maps"></div></div></div>
<div class="bottom"><div class="card"><h2>Confusion matrix</h2><div id="confusion"><small>after the first evaluation</small></div></div>
<div class="card"><h2>Model</h2><pre id="summary"></pre></div></div>
</section>
</main>
<script type="module" src="/playground.js"></script>
</body>
</html>
`;
}
