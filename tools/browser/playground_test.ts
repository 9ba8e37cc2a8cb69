/// <reference lib="dom" />
/**
 * The playground in headless Chromium: run with `tools/browser/deno.json`, the config that provides
 * `puppeteer-core` (`deno task test` runs these after the main tests). A link with settings trains to
 * `completed`, its metrics.csv equals the command line's (apart from elapsed_s), its model classifies as the
 * command line's does, and nothing is fetched from anywhere but the server.
 * PLAYGROUND_SCREENSHOT=docs/playground.png keeps a picture mid-training.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { type Experiment, findExperiment, runExperimentCli } from "../../lib/experiment/mod.ts";
import { loadDataset } from "../../lib/data/mod.ts";
import { classify, loadPredictor } from "../../lib/predict/mod.ts";
import { checkpointName, RUN_FILES, untimedMetrics } from "../../lib/run/mod.ts";
import { capture, needs, skipReason, withTempDir } from "../../lib/testing/io.ts";
import { playgroundCli } from "../../playground/main.ts";
import { CHROMIUM_PATH, hasChromium, visitPage } from "./browser.ts";

const permitted = !needs("read", "write", "env", {
  name: "net",
  host: "127.0.0.1",
}, {
  name: "run",
  command: CHROMIUM_PATH,
}).ignore;
const mnist = permitted ? Deno.env.get("MNIST_DATA_DIR") : undefined;
/** A playground test's name and `ignore`, with the reason it is skipped in its name. */
const chromiumTest = (name: string, needsMnist = false) =>
  permitted
    ? skipReason(
      name,
      !hasChromium() &&
          `no Chromium at ${CHROMIUM_PATH} (install it: apt-get install chromium)` ||
        needsMnist && !mnist &&
          "it needs MNIST (set MNIST_DATA_DIR to a folder holding it)",
    )
    : { name, ignore: true };

/** What a run in the page left. */
interface PageRun {
  /** `document.body.dataset.state` at the end. */
  state: string;
  /** The page's message line (an error). */
  message: string;
  /** The three downloads' contents. */
  metrics: string;
  manifest: string;
  model: Uint8Array;
}

/** Serves the playground on a free port while `fn` runs. */
async function served<T>(
  fn: (url: string) => Promise<T>,
  mnistDir = mnist,
): Promise<T> {
  let url = "";
  const abort = new AbortController();
  let listening = () => {};
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const onListen = (u: string) => (url = u, listening());
  const serving = playgroundCli(["--port", "0"], {
    onListen,
    env: { mnistDir },
    signal: abort.signal,
  });
  await Promise.race([ready, serving]);
  if (!url) {
    throw new Error(
      `deno task playground ended (exit ${await serving}) before it listened; see its message`,
    );
  }
  try {
    return await fn(url);
  } finally {
    abort.abort();
    await serving;
  }
}

/**
 * Requires two metrics.csv to be the same bytes but for elapsed_s, the loss column included: the suite's
 * exp, log and the rest come from `lib/kernels/exact_math.ts`, so Chromium's `Math` and Deno's cannot
 * part them.
 */
function assertSameMetrics(page: string, cli: string): void {
  assert.equal(
    untimedMetrics(page),
    untimedMetrics(cli),
    "the page's metrics.csv is the command line's but for elapsed_s",
  );
}

/** Runs the command line into `dir` and returns its run folder. */
async function commandLineRun(
  experiment: Experiment,
  args: string[],
  dir: string,
): Promise<string> {
  const data = mnist && experiment.dataset === "mnist" ? ["--data-dir", mnist] : [];
  const { code, err } = await capture(() => runExperimentCli(experiment, [...args, ...data, "--out", dir, "--quiet"]));
  assert.equal(code, 0, err);
  const [run] = [...Deno.readDirSync(`${dir}/${experiment.name}`)];
  return `${dir}/${experiment.name}/${run!.name}`;
}

/** Writes the page's three files as a run folder. */
async function asRunFolder(
  run: PageRun,
  dir: string,
  arm = "",
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/${RUN_FILES.metrics}`, run.metrics);
  await Deno.writeTextFile(`${dir}/${RUN_FILES.manifest}`, run.manifest);
  await Deno.writeFile(`${dir}/${checkpointName(arm)}`, run.model);
  return dir;
}

/** The probabilities a run's model gives the first 20 test images. */
async function predictions(
  runDir: string,
  experiment: Experiment,
  arm?: string,
): Promise<number[][]> {
  const predictor = await loadPredictor(runDir, {
    arm,
    experiment: findExperiment,
  });
  const { test } = await loadDataset(experiment.dataset, {
    dataDir: mnist && experiment.dataset === "mnist" ? mnist : undefined,
  });
  const size = test.height * test.width;
  const images = Array.from(
    { length: 20 },
    (_, n) => test.images.subarray(n * size, (n + 1) * size),
  );
  return classify(predictor, images).map((p) => [...p]);
}

/** Waits until the run ends (its state neither idle, running nor paused). */
async function ended(page: Page): Promise<string> {
  for (;;) {
    const state = await page.evaluate(() => document.body.dataset.state ?? "");
    if (!["idle", "running", "paused"].includes(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The page's state, message and the contents of its three download links. */
async function downloads(page: Page): Promise<PageRun> {
  const got = await page.evaluate(async () => {
    const text = (id: string) => document.getElementById(id)?.textContent ?? "";
    const file = async (id: string) => {
      const href = (document.getElementById(id) as HTMLAnchorElement | null)
        ?.href;
      if (!href?.startsWith("blob:")) return null;
      return [...new Uint8Array(await (await fetch(href)).arrayBuffer())];
    };
    return {
      state: document.body.dataset.state ?? "",
      message: text("message"),
      metrics: await file("download-metrics"),
      manifest: await file("download-manifest"),
      model: await file("download-model"),
    };
  });
  const decode = (bytes: number[] | null) => new TextDecoder().decode(Uint8Array.from(bytes ?? []));
  return {
    ...got,
    metrics: decode(got.metrics),
    manifest: decode(got.manifest),
    model: Uint8Array.from(got.model ?? []),
  };
}

/** Opens the link, waits for the end of the run and returns its downloads and the problems the page showed. */
async function openRun(url: string, during?: (page: Page) => Promise<void>) {
  const visit = await visitPage(url, {
    height: 1060,
    sameOrigin: true,
    inspect: async (page) => {
      await during?.(page);
      await ended(page);
      return await downloads(page);
    },
  });
  return { run: visit.result!, problems: visit.problems };
}

/** Opens the link and returns the finished run's downloads, after checking the page showed no problem. */
async function runInPage(
  url: string,
  query: string,
  during?: (page: Page) => Promise<void>,
): Promise<PageRun> {
  const { run, problems } = await openRun(`${url}?${query}`, during);
  assert.deepEqual(
    problems,
    [],
    "no console error, no failed request, nothing fetched from elsewhere",
  );
  return run;
}

/** Takes the README's picture once training has shown an evaluation and goes on. */
async function screenshotMidTraining(page: Page, path: string): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector("#confusion table") !== null,
    { timeout: 600_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.screenshot({ path: path as `${string}.png` });
}

Deno.test(
  chromiumTest(
    "the playground trains the ablation's three arms as exp:ablation does (Fashion-MNIST, Chromium)",
  ),
  () =>
    withTempDir((dir) =>
      served(async (url) => {
        const ablation = await findExperiment("ablation");
        const flags = [
          "--epochs",
          "1",
          "--train-limit",
          "300",
          "--test-limit",
          "100",
          "--seed",
          "2",
        ];
        const page = await runInPage(
          url,
          "experiment=ablation&epochs=1&train-limit=300&test-limit=100&seed=2&autostart=1",
        );
        assert.equal(page.state, "completed", page.message);
        const cli = await commandLineRun(ablation, flags, dir);
        assertSameMetrics(page.metrics, await Deno.readTextFile(`${cli}/${RUN_FILES.metrics}`));
        assert.equal(
          page.metrics.trimEnd().split("\n").length,
          10,
          "a header and three rows per arm",
        );
        const manifest = JSON.parse(page.manifest);
        assert.equal(manifest.status, "completed");
        assert.match(manifest.runtime.browser, /Chrom/);
        const arm = "dense_frozen";
        const folder = await asRunFolder(page, `${dir}/page`, arm);
        assert.deepEqual(
          await predictions(folder, ablation, arm),
          await predictions(cli, ablation, arm),
        );
      })
    ),
);

Deno.test(
  chromiumTest(
    "a bad setting in a link gets the command line's message (Chromium)",
  ),
  () =>
    served(async (url) => {
      const zhou = await findExperiment("zhou");
      const cli = await capture(() => runExperimentCli(zhou, ["--seed", "1e3"]));
      assert.equal(cli.code, 2);
      const { run, problems } = await openRun(
        `${url}?experiment=zhou&seed=1e3&autostart=1`,
      );
      assert.deepEqual(problems, []);
      assert.equal(run.state, "failed");
      assert.match(run.message, /--seed: got '1e3'/);
      assert.equal(run.message, cli.err.trimEnd());
    }),
);

Deno.test(
  chromiumTest(
    "the playground trains zhou as exp:zhou does, through a pause (MNIST, Chromium)",
    true,
  ),
  () =>
    withTempDir((dir) =>
      served(async (url) => {
        const zhou = await findExperiment("zhou");
        const keep = Deno.env.get("PLAYGROUND_SCREENSHOT");
        const query = keep
          ? "experiment=zhou&train-limit=20000&test-limit=2000&autostart=1"
          : "experiment=zhou&seed=3&epochs=2&lr=0.01&train-limit=10000&test-limit=200&autostart=1";
        const flags = keep
          ? ["--train-limit", "20000", "--test-limit", "2000"]
          : ["--seed", "3", "--epochs", "2", "--lr", "0.01", "--train-limit", "10000", "--test-limit", "200"];
        const page = await runInPage(url, query, async (page) => {
          // 20,000 steps (seconds): the status line shows a step well before the end, and the pause lands mid-run.
          const shown = () =>
            /step [1-9]/.test(document.getElementById("status")!.textContent ?? "") ||
            !["idle", "running"].includes(document.body.dataset.state ?? "");
          await page.waitForFunction(shown, { timeout: 600_000 });
          await page.click("#pause");
          await new Promise((resolve) => setTimeout(resolve, 700));
          assert.equal(await page.evaluate(() => document.body.dataset.state), "paused", "paused before the end");
          await page.click("#resume");
          if (keep) {
            await screenshotMidTraining(page, keep);
          }
        });
        assert.equal(page.state, "completed", page.message);
        const cli = await commandLineRun(zhou, flags, dir);
        assertSameMetrics(page.metrics, await Deno.readTextFile(`${cli}/${RUN_FILES.metrics}`));
        const folder = await asRunFolder(page, `${dir}/page`);
        assert.deepEqual(
          await predictions(folder, zhou),
          await predictions(cli, zhou),
        );
      })
    ),
);

Deno.test(
  chromiumTest(
    "a modified data file stops the page with the command line's message (MNIST, Chromium)",
    true,
  ),
  () =>
    withTempDir(async (dir) => {
      const zhou = await findExperiment("zhou");
      for (
        const name of [
          "train-images-idx3-ubyte.gz",
          "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz",
        ]
      ) {
        await Deno.symlink(`${mnist}/${name}`, `${dir}/${name}`);
      }
      const labels = await Deno.readFile(`${mnist}/t10k-labels-idx1-ubyte.gz`);
      labels[labels.length - 9]! ^= 1; // inside the gzip trailer's CRC: the sum changes, the file still decompresses
      await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte.gz`, labels);
      const cli = await capture(() =>
        runExperimentCli(zhou, [
          "--data-dir",
          dir,
          "--out",
          `${dir}/out`,
          "--quiet",
        ])
      );
      assert.notEqual(cli.code, 0);
      await served(async (url) => {
        const { run } = await openRun(`${url}?experiment=zhou&autostart=1`);
        assert.equal(run.state, "failed");
        assert.match(
          run.message,
          /checksum mismatch for .*t10k-labels-idx1-ubyte.gz/,
        );
        assert.equal(
          run.message.replace("(from MNIST_DATA_DIR)", "(from --data-dir)"),
          cli.err.trimEnd(),
        );
      }, dir);
    }),
);
