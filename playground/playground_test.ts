// The playground in headless Chromium: a link with settings trains to `completed`, its metrics.csv equals the
// command line's (apart from elapsed_s), its model classifies as the command line's does, and nothing is
// fetched from anywhere but the server. PLAYGROUND_SCREENSHOT=docs/playground.png keeps a picture mid-training.
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { type Experiment, loadDataset, runExperimentCli } from "../lib/mod.ts";
import { experimentNamed } from "../lib/predict/main.ts";
import { classify, loadPredictor } from "../lib/predict/mod.ts";
import { CHROMIUM_PATH, hasChromium } from "../lib/report/html/browser.ts";
import { needs, withTempDir } from "../lib/testing/io.ts";
import { ablation } from "../experiments/ablation.ts";
import { zhou } from "../experiments/zhou.ts";
import { downloads, ended, inChromium, type PageRun } from "./_browser.ts";
import { playgroundCli } from "./main.ts";

const permitted = !needs("read", "write", "env", { name: "net", host: "127.0.0.1" }, {
  name: "run",
  command: CHROMIUM_PATH,
})
  .ignore;
if (permitted && !hasChromium()) {
  console.log(
    `playground browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install it: apt-get install chromium)`,
  );
}
const mnist = permitted ? Deno.env.get("MNIST_DATA_DIR") : undefined;
if (permitted && hasChromium() && !mnist) {
  console.log("playground zhou test skipped: it needs MNIST (set MNIST_DATA_DIR to a folder holding it)");
}

/** Serves the playground on a free port while `fn` runs. */
async function served<T>(fn: (url: string) => Promise<T>, mnistDir = mnist): Promise<T> {
  let url = "";
  const abort = new AbortController();
  let listening = () => {};
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const onListen = (u: string) => (url = u, listening());
  const serving = playgroundCli(["--port", "0"], { onListen, env: { mnistDir }, signal: abort.signal });
  await Promise.race([ready, serving]);
  try {
    return await fn(url);
  } finally {
    abort.abort();
    await serving;
  }
}

/** A metrics.csv without its last column (elapsed_s). */
const untimed = (csv: string) => csv.trimEnd().split("\n").map((line) => line.replace(/,[^,]*$/, "")).join("\n");

/** Runs the command line into `dir` and returns its run folder. */
async function commandLineRun(experiment: Experiment, args: string[], dir: string): Promise<string> {
  const data = mnist && experiment.dataset === "mnist" ? ["--data-dir", mnist] : [];
  assert.equal(await runExperimentCli(experiment, [...args, ...data, "--out", dir, "--quiet"]), 0);
  const [run] = [...Deno.readDirSync(`${dir}/${experiment.name}`)];
  return `${dir}/${experiment.name}/${run!.name}`;
}

/** Writes the page's three files as a run folder. */
async function asRunFolder(run: PageRun, dir: string, modelName: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/metrics.csv`, run.metrics);
  await Deno.writeTextFile(`${dir}/manifest.json`, run.manifest);
  await Deno.writeFile(`${dir}/${modelName}`, run.model);
  return dir;
}

/** The probabilities a run's model gives the first 20 test images. */
async function predictions(runDir: string, experiment: Experiment, arm?: string): Promise<number[][]> {
  const predictor = await loadPredictor(runDir, { arm, experiment: experimentNamed });
  const { test } = await loadDataset(experiment.dataset, {
    dataDir: mnist && experiment.dataset === "mnist" ? mnist : undefined,
  });
  const size = test.height * test.width;
  const images = Array.from({ length: 20 }, (_, n) => test.images.subarray(n * size, (n + 1) * size));
  return classify(predictor, images).map((p) => [...p]);
}

/** Opens the link, waits for the end of the run and returns its downloads. */
async function runInPage(url: string, query: string, during?: (page: Page) => Promise<void>): Promise<PageRun> {
  const { result, problems } = await inChromium(`${url}?${query}`, async (page) => {
    await during?.(page);
    await ended(page);
    return await downloads(page);
  });
  assert.deepEqual(problems, [], "no console error, no failed request, nothing fetched from elsewhere");
  return result;
}

/** Takes the README's picture once training has shown an evaluation and goes on. */
async function screenshotMidTraining(page: Page, path: string): Promise<void> {
  await page.waitForFunction(() => document.querySelector("#confusion table") !== null, { timeout: 600_000 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.screenshot({ path: path as `${string}.png` });
}

Deno.test("the playground trains the ablation's three arms as exp:ablation does (Fashion-MNIST, Chromium)", {
  ignore: !permitted || !hasChromium(),
}, () =>
  withTempDir((dir) =>
    served(async (url) => {
      const flags = ["--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--seed", "2"];
      const page = await runInPage(
        url,
        "experiment=ablation&epochs=1&train-limit=300&test-limit=100&seed=2&autostart=1",
      );
      assert.equal(page.state, "completed", page.message);
      const cli = await commandLineRun(ablation, flags, dir);
      assert.equal(untimed(page.metrics), untimed(await Deno.readTextFile(`${cli}/metrics.csv`)));
      assert.equal(untimed(page.metrics).split("\n").length, 10, "a header and three rows per arm");
      const manifest = JSON.parse(page.manifest);
      assert.equal(manifest.status, "completed");
      assert.match(manifest.runtime.browser, /Chrom/);
      const folder = await asRunFolder(page, `${dir}/page`, "model-dense_frozen.safetensors");
      const arm = "dense_frozen";
      assert.deepEqual(await predictions(folder, ablation, arm), await predictions(cli, ablation, arm));
    })
  ));

Deno.test("a bad setting in a link gets the command line's message (Chromium)", {
  ignore: !permitted || !hasChromium(),
}, () =>
  served(async (url) => {
    const { result, problems } = await inChromium(`${url}?experiment=zhou&seed=1e3&autostart=1`, async (page) => {
      await ended(page);
      return await downloads(page);
    });
    assert.deepEqual(problems, []);
    assert.equal(result.state, "failed");
    assert.equal(result.message, "exp:zhou: --seed: got '1e3', expected a plain decimal integer from 0 to 4294967295");
  }));

Deno.test("the playground trains zhou as exp:zhou does, through a pause (MNIST, Chromium)", {
  ignore: !permitted || !hasChromium() || !mnist,
}, () =>
  withTempDir((dir) =>
    served(async (url) => {
      const keep = Deno.env.get("PLAYGROUND_SCREENSHOT");
      const query = keep
        ? "experiment=zhou&train-limit=20000&test-limit=2000&autostart=1"
        : "experiment=zhou&seed=3&epochs=2&lr=0.01&train-limit=500&test-limit=200&autostart=1";
      const flags = keep
        ? ["--train-limit", "20000", "--test-limit", "2000"]
        : ["--seed", "3", "--epochs", "2", "--lr", "0.01", "--train-limit", "500", "--test-limit", "200"];
      const page = await runInPage(url, query, async (page) => {
        await page.waitForFunction(() => /step [1-9]/.test(document.getElementById("status")!.textContent ?? ""), {
          timeout: 600_000,
        });
        await page.click("#pause");
        await new Promise((resolve) => setTimeout(resolve, 700));
        await page.click("#resume");
        if (keep) await screenshotMidTraining(page, keep);
      });
      assert.equal(page.state, "completed", page.message);
      const cli = await commandLineRun(zhou, flags, dir);
      assert.equal(untimed(page.metrics), untimed(await Deno.readTextFile(`${cli}/metrics.csv`)));
      const folder = await asRunFolder(page, `${dir}/page`, "model.safetensors");
      assert.deepEqual(await predictions(folder, zhou), await predictions(cli, zhou));
    })
  ));

Deno.test("a modified data file stops the page with the command line's message (MNIST, Chromium)", {
  ignore: !permitted || !hasChromium() || !mnist,
}, () =>
  withTempDir(async (dir) => {
    for (const name of ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]) {
      await Deno.symlink(`${mnist}/${name}`, `${dir}/${name}`);
    }
    const labels = await Deno.readFile(`${mnist}/t10k-labels-idx1-ubyte.gz`);
    labels[labels.length - 9]! ^= 1; // inside the gzip trailer's CRC: the sum changes, the file still decompresses
    await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte.gz`, labels);
    const errors: string[] = [], error = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      assert.equal(await runExperimentCli(zhou, ["--data-dir", dir, "--out", `${dir}/out`, "--quiet"]), 1);
    } finally {
      console.error = error;
    }
    await served(async (url) => {
      const { result } = await inChromium(`${url}?experiment=zhou&autostart=1`, async (page) => {
        await ended(page);
        return await downloads(page);
      });
      assert.equal(result.state, "failed");
      assert.match(result.message, /checksum mismatch for .*t10k-labels-idx1-ubyte.gz/);
      assert.equal(result.message.replace("(from MNIST_DATA_DIR)", "(from --data-dir)"), errors[0]);
    }, dir);
  }));
