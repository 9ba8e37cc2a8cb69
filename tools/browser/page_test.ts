/// <reference lib="dom" />
/**
 * The draw-and-classify page in Chromium: run with `tools/browser/deno.json`, the config that provides
 * `puppeteer-core` (`deno task test` runs these after the main tests).
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { findExperiment, runExperiment, runExperimentCli } from "../../lib/experiment/mod.ts";
import type { Conv2d } from "../../lib/layers/mod.ts";
import { servePage } from "../../lib/page/serve.ts";
import { predictCli } from "../../lib/predict/main.ts";
import { decodePngGrey, loadPredictor, toModelInput } from "../../lib/predict/mod.ts";
import { capture, needs, skipReason, withTempDir } from "../../lib/testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../../lib/testing/tiny_experiment.ts";
import { CHROMIUM_PATH, hasChromium, visitPage } from "./browser.ts";

const experiments = [tinyExperiment, tinyArmsExperiment];
const experiment = (name: string) => experiments.find((e) => e.name === name) ?? findExperiment(name);
const options = { experiment: (name: string) => Promise.resolve(experiment(name)) };

/** Serves the page of `runDir` on a free port while `fn` runs. */
async function served<T>(runDir: string, fn: (url: string) => Promise<T>): Promise<T> {
  let url = "";
  const server = await servePage(runDir, { ...options, port: 0, onListen: (u) => (url = u) });
  try {
    return await fn(url);
  } finally {
    await server.shutdown();
  }
}

/** The browser tests run Chromium; without it (or MNIST for the second) they are skipped, saying why. */
const permitted = !needs("read", "write", "env", { name: "net", host: "127.0.0.1" }, {
  name: "run",
  command: CHROMIUM_PATH,
}).ignore;
/** A browser test's name and `ignore`, with the reason it is skipped in its name. */
const chromiumTest = (name: string, skip?: string | false) =>
  permitted
    ? skipReason(
      name,
      !hasChromium() && `no Chromium at ${CHROMIUM_PATH} (install it: apt-get install chromium)` || skip,
    )
    : { name, ignore: true };
const mnist = permitted ? Deno.env.get("MNIST_DATA_DIR") : undefined;

/** What the page showed after the strokes: its 28x28 input, its top three and the canvas as a PNG data URL. */
interface Drawn {
  input: number[];
  top: { class: number; label: string; probability: number }[];
  png: string;
  /** The feature maps shown, and how many of them have a pixel that is not black. */
  maps: { shown: number; lit: number };
}

/** A "7": a bar and a slanted stroke, drawn with the mouse across the 280x280 canvas. */
async function drawSeven(page: import("puppeteer-core").Page): Promise<Drawn> {
  await page.waitForFunction(() => "classified" in window);
  const box = (await (await page.$("#draw"))!.boundingBox())!;
  const strokes = [[[70, 60], [210, 60], [130, 230]]];
  for (const stroke of strokes) {
    await page.mouse.move(box.x + stroke[0]![0]!, box.y + stroke[0]![1]!);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x!, box.y + y!, { steps: 12 });
    await page.mouse.up();
  }
  return page.evaluate(() => {
    const { input, top } = (window as unknown as { classified: Pick<Drawn, "input" | "top"> }).classified;
    const maps = [...document.querySelectorAll<HTMLCanvasElement>("#maps canvas")].map((c) =>
      c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 !== 3 && v > 0)
    );
    const png = (document.getElementById("draw") as HTMLCanvasElement).toDataURL("image/png");
    return { input, top, png, maps: { shown: maps.length, lit: maps.filter(Boolean).length } };
  });
}

/** Serves the page of `runDir`, opens it, draws, and checks the page against `deno task predict` on the drawn image. */
async function checkAgainstPredict(runDir: string, dir: string, screenshot: string): Promise<number> {
  const { problems, result } = await served(
    runDir,
    (url) => visitPage(url, { inspect: drawSeven, screenshot, width: 800 }),
  );
  assert.deepEqual(problems, [], "no console error");
  const drawn = result!;
  const { model } = await loadPredictor(runDir, options);
  const filters = (model.layers[0] as Conv2d).kernel.shape[0];
  assert.deepEqual(drawn.maps, { shown: filters, lit: filters }, "the first layer's feature maps are shown");
  const png = Uint8Array.from(atob(drawn.png.split(",")[1]!), (c) => c.charCodeAt(0));
  await Deno.writeFile(`${dir}/drawn.png`, png);
  const input = toModelInput(decodePngGrey(png, "drawn.png"), { height: 28, width: 28 });
  assert.deepEqual(drawn.input, [...input], "the page's 28x28 input is predict's");
  assert.ok(input.some((v) => v > 200), "the strokes were drawn");
  const header = new TextEncoder().encode("P5\n28 28\n255\n");
  await Deno.writeFile(`${dir}/input.pgm`, new Uint8Array([...header, ...input]));
  let worst = 0;
  for (const file of ["drawn.png", "input.pgm"]) {
    const { code, out } = await capture(() => predictCli([runDir, `${dir}/${file}`, "--csv"], options));
    assert.equal(code, 0);
    const rows = parse(out, { columns: true }) as Record<string, string>[];
    assert.deepEqual(drawn.top.map((t) => t.class), rows.map((r) => Number(r.class)), `${file}: same classes`);
    assert.deepEqual(drawn.top.map((t) => t.label), rows.map((r) => r.label));
    for (const [i, t] of drawn.top.entries()) {
      worst = Math.max(worst, Math.abs(t.probability - Number(rows[i]!.probability)));
    }
  }
  assert.ok(worst <= 1e-4, `probabilities differ by ${worst}`);
  assert.ok((await Deno.stat(screenshot)).size > 5_000, "a screenshot was saved");
  return worst;
}

Deno.test(
  chromiumTest("the page classifies a drawing as deno task predict does (tiny run, Chromium)"),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      await checkAgainstPredict(runDir, dir, `${dir}/page.png`);
    }),
);

// With MNIST (MNIST_DATA_DIR) the page of a real exp:zhou run; PAGE_SCREENSHOT=docs/page_zhou.png keeps its picture.
Deno.test(
  chromiumTest(
    "the page classifies a drawn 7 as deno task predict does (exp:zhou on MNIST, Chromium)",
    !mnist && "set MNIST_DATA_DIR to a folder holding the four MNIST .gz files",
  ),
  () =>
    withTempDir(async (dir) => {
      const code = await runExperimentCli(await findExperiment("zhou"), [
        "--data-dir",
        mnist!,
        "--out",
        dir,
        "--quiet",
      ]);
      assert.equal(code, 0);
      const [run] = [...Deno.readDirSync(`${dir}/zhou`)].map((e) => `${dir}/zhou/${e.name}`);
      const keep = Deno.env.get("PAGE_SCREENSHOT");
      await checkAgainstPredict(run!, dir, keep ?? `${dir}/page.png`);
    }),
);
