/**
 * The draw-and-classify page: a canvas to draw on and the live top three classes, computed in the browser by the
 * project's own layers (bundled) on the image `toModelInput` makes of the drawing, as `predict` makes it of a file.
 *
 * @module
 */
import { type Experiment, findExperiment } from "../experiment/mod.ts";
import { bundleForBrowser } from "../playground/bundle.ts";
import { loadPredictor } from "../predict/mod.ts";
import { runTitle } from "../run/mod.ts";
import type { PageConfig } from "./browser.ts";
import { layerSpecs } from "./network.ts";

/** The arm of a run's page, how to find an experiment by name, what is told when the run did not complete. */
export interface PageOptions {
  arm?: string;
  /** Default `experiments/<name>.ts`. */
  experiment?: (name: string) => Promise<Experiment>;
  /** Told in one line, as `predict` tells it. */
  warn?: (line: string) => void;
}

/**
 * A run's page, with the weights embedded (`deno task page`) or fetched from the URL `model` (`serve`).
 *
 * @returns the HTML and the checkpoint's file.
 * @throws {Error} when the run's model cannot be loaded or the page cannot run it.
 */
export async function runPage(
  runDir: string,
  options: PageOptions & { model?: string },
): Promise<{ html: string; checkpoint: string }> {
  const { arm, warn, model } = options;
  const predictor = await loadPredictor(runDir, { arm, warn, experiment: options.experiment ?? findExperiment });
  const checkpoint = predictor.checkpoint.file;
  const config: PageConfig = {
    inputShape: [...predictor.inputShape],
    layers: layerSpecs(predictor.model),
    checkpoint: model ? { url: model } : { base64: (await Deno.readFile(checkpoint)).toBase64() },
  };
  const script = await bundleForBrowser(new URL("./browser.ts", import.meta.url).pathname);
  return { html: pageHtml(runTitle(runDir, arm), config, script), checkpoint };
}

const STYLE = `body { font: 16px system-ui, sans-serif; margin: 24px; color: #222; }
main { display: flex; gap: 32px; align-items: flex-start; flex-wrap: wrap; }
#draw { border: 1px solid #888; touch-action: none; cursor: crosshair; width: 280px; height: 280px; }
#seen { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid #888; }
#top { list-style: none; padding: 0; width: 320px; }
#top li { display: grid; grid-template-columns: 110px 1fr 64px; align-items: center; margin: 8px 0; }
#top .bar { height: 18px; background: #3b7dd8; min-width: 1px; }
#top .p { text-align: right; font-variant-numeric: tabular-nums; }
#maps { display: flex; flex-wrap: wrap; gap: 6px; max-width: 760px; }
#maps canvas { width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid #888; }
small { color: #666; }`;

/** The whole page, titled with the run folder (and arm). */
function pageHtml(title: string, config: PageConfig, script: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const [, H, W] = config.inputShape;
  // `<` escaped so that no string in the config or the script can close the script element.
  const json = JSON.stringify(config).replaceAll("<", "\\u003c"), code = script.replaceAll("</script", "<\\/script");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>Draw and classify: ${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>Draw and classify</h1>
<p><small>${esc(title)}: drawn light on dark, made ${H}x${W} as
<code>deno task predict</code> makes an image, and classified here by the run's weights.</small></p>
<main>
<div><canvas id="draw" width="280" height="280"></canvas><br><button id="clear">Clear</button></div>
<div><p>Top three</p><ol id="top"></ol><p>What the model sees</p>
<canvas id="seen" width="${W}" height="${H}"></canvas></div>
</main>
<p>The first layer's feature maps (each scaled from its minimum, black, to its maximum, white)</p>
<div id="maps"></div>
<script type="application/json" id="config">${json}</script>
<script type="module">${code}</script>
</body>
</html>
`;
}
