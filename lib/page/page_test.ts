/// <reference lib="dom" />
import assert from "node:assert/strict";
import { findExperiment, runExperiment } from "../experiment/mod.ts";
import { classify, loadPredictor } from "../predict/mod.ts";
import { predictCli } from "../predict/main.ts";
import { createRng } from "../rng/mod.ts";
import { classifyInput, layerSpecs, pageNetwork } from "./network.ts";
import { abortAfter, capture, fullDisk, needs, withTempDir } from "../testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { pageCli } from "./main.ts";
import { serveCli, servePage } from "./serve.ts";

const experiments = [tinyExperiment, tinyArmsExperiment];
const experiment = (name: string) => experiments.find((e) => e.name === name) ?? findExperiment(name);
const options = { experiment: (name: string) => Promise.resolve(experiment(name)) };

Deno.test(
  "deno task page writes one self-contained HTML file, and refuses a bad arm",
  needs("read", "write", { name: "run", command: "deno" }),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      const { code, out } = await capture(() => pageCli([runDir], options));
      assert.equal(code, 0);
      assert.equal(out, `${runDir}/draw.html\n`);
      const html = await Deno.readTextFile(`${runDir}/draw.html`);
      assert.doesNotMatch(html, /https?:|src=|<link(?! rel="icon" href="data:,")/, "nothing is fetched");
      assert.match(html, /"checkpoint":{"base64":"/, "the weights are embedded");
      const arms = await runExperiment(tinyArmsExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      const bad = await capture(() => pageCli([arms.runDir, "--arm", "nope"], options));
      assert.equal(bad.code, 2);
      assert.match(bad.err, /^page: .*no arm 'nope': one of trained, frozen/);
      assert.equal((await capture(() => pageCli([arms.runDir, "--arm", "frozen"], options))).code, 0);
      assert.ok((await Deno.stat(`${arms.runDir}/draw-frozen.html`)).isFile);
    }),
);

Deno.test(
  "the page's network, rebuilt from layer specs and the checkpoint, classifies as predict does",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      const predictor = await loadPredictor(runDir, options);
      const net = pageNetwork(
        layerSpecs(predictor.model),
        [...predictor.inputShape],
        await Deno.readFile(predictor.checkpoint.file),
      );
      const rng = createRng(1), size = predictor.inputShape.reduce((a, b) => a * b, 1);
      const image = Uint8Array.from({ length: size }, () => rng.nextUint32() % 256);
      const page = classifyInput(net, image).probabilities;
      assert.deepEqual([...page], [...classify(predictor, [image])[0]!]);
    }),
);

/** Starts the page's server of `runDir` on a free port and runs `fn` with its URL. */
async function served<T>(runDir: string, fn: (url: string) => Promise<T>, arm?: string): Promise<T> {
  let url = "";
  const server = await servePage(runDir, { ...options, arm, port: 0, onListen: (u) => (url = u) });
  try {
    return await fn(url);
  } finally {
    await server.shutdown();
  }
}

Deno.test(
  "deno task serve serves the page and the run's model on 127.0.0.1, and 4xx for anything else",
  needs("read", "write", { name: "net", host: "127.0.0.1" }, { name: "run", command: "deno" }),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      await served(runDir, async (url) => {
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
        const page = await fetch(url);
        assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
        assert.match(await page.text(), /"checkpoint":{"url":"model.safetensors"}/);
        const model = await fetch(`${url}model.safetensors`);
        assert.deepEqual(new Uint8Array(await model.arrayBuffer()), await Deno.readFile(`${runDir}/model.safetensors`));
        for (const path of ["manifest.json", "metrics.csv", "draw.html", "..%2fmanifest.json", "model.safetensors/x"]) {
          const response = await fetch(`${url}${path}`);
          assert.equal(response.status, 404, path);
          await response.body?.cancel();
        }
        const post = await fetch(url, { method: "POST", body: "x" });
        assert.equal(post.status, 405);
        await post.body?.cancel();
      });
      const arms = await runExperiment(tinyArmsExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      await served(arms.runDir, async (url) => {
        const [frozen, plain] = [await fetch(`${url}model-frozen.safetensors`), await fetch(`${url}model.safetensors`)];
        assert.deepEqual([frozen.status, plain.status], [200, 404]);
        await Promise.all([frozen.body?.cancel(), plain.body?.cancel()]);
      }, "frozen");
      for (const args of [[runDir, "--port", "70000"], [`${dir}/none`], [arms.runDir]]) {
        const { code, err } = await capture(() => serveCli(args));
        assert.equal(code, 2, args.join(" "));
        assert.match(err, /^serve: /);
      }
    }),
);

/** Sends `request` (lines, without the blank line that ends it) over TCP to `url`'s port; the raw answer, parsed. */
async function rawHttp(
  url: string,
  request: string[],
): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(url).port) });
  await conn.write(new TextEncoder().encode([...request, "Connection: close", "", ""].join("\r\n")));
  const bytes = new Uint8Array(await new Response(conn.readable).arrayBuffer());
  const end = new TextDecoder("latin1").decode(bytes).indexOf("\r\n\r\n");
  const [statusLine, ...lines] = new TextDecoder().decode(bytes.subarray(0, end)).split("\r\n");
  const headers = new Headers(lines.map((line) => line.split(/:\s*/, 2) as [string, string]));
  return { status: Number(statusLine!.split(" ")[1]), headers, body: bytes.subarray(end + 4) };
}

Deno.test(
  "deno task serve answers HEAD with GET's length and no body, and only to its own address (no DNS rebinding)",
  needs("read", "write", { name: "net", host: "127.0.0.1" }, { name: "run", command: "deno" }),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      await served(runDir, async (url) => {
        const host = new URL(url).host, port = new URL(url).port;
        for (const path of ["/", "/model.safetensors"]) {
          const get = await rawHttp(url, [`GET ${path} HTTP/1.1`, `Host: ${host}`]);
          const head = await rawHttp(url, [`HEAD ${path} HTTP/1.1`, `Host: ${host}`]);
          assert.equal(get.status, 200, path);
          assert.ok(get.body.length > 1000, `${path}: ${get.body.length} bytes`);
          assert.equal(head.status, 200, path);
          assert.equal(head.headers.get("content-length"), String(get.body.length), path);
          assert.equal(head.headers.get("content-type"), get.headers.get("content-type"), path);
          assert.equal(head.body.length, 0, `${path}: HEAD has no body`);
        }
        const local = await rawHttp(url, ["GET / HTTP/1.1", `Host: localhost:${port}`]);
        assert.equal(local.status, 200, "localhost is this machine too");
        for (const other of [`evil.example:${port}`, "evil.example", "127.0.0.1", `127.0.0.1:${Number(port) + 1}`]) {
          for (const method of ["GET", "HEAD"]) {
            const answer = await rawHttp(url, [`${method} /model.safetensors HTTP/1.1`, `Host: ${other}`]);
            assert.equal(answer.status, 421, `${method} with Host ${other}`);
            const text = new TextDecoder().decode(answer.body);
            if (method === "GET") assert.match(text, new RegExp(`only to ${host.replace(".", "\\.")}`), text);
          }
        }
      });
    }),
);

Deno.test(
  "deno task page and serve print predict's warning line when the run did not complete",
  needs("read", "write", { name: "net", host: "127.0.0.1" }, { name: "run", command: "deno" }),
  () =>
    withTempDir(async (dir) => {
      // Stopped in epoch 2 of 2 (60 steps an epoch): its checkpoint holds epoch 1.
      const { runDir } = await runExperiment(tinyExperiment, {
        controls: { out: dir, quiet: true },
        terminal: false,
        signal: abortAfter(70),
      });
      const image = new URL("../../datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", import.meta.url).pathname;
      const predicted = await capture(() => predictCli([runDir, image], options));
      assert.equal(predicted.code, 0, predicted.err);
      assert.match(predicted.err, /^warning: .*the run was interrupted .* after epoch 1 of 2\n$/);
      const page = await capture(() => pageCli([runDir], options));
      assert.equal(page.code, 0, page.err);
      assert.equal(page.err, predicted.err, "page");
      // serve stops once it has printed its address.
      const controller = new AbortController();
      const [log, error] = [console.log, console.error];
      let err = "";
      console.log = () => controller.abort();
      console.error = (...args: unknown[]) => void (err += args.join(" ") + "\n");
      try {
        assert.equal(await serveCli([runDir, "--port", "0"], { ...options, signal: controller.signal }), 0);
      } finally {
        [console.log, console.error] = [log, error];
      }
      assert.equal(err, predicted.err, "serve");
    }),
);

Deno.test(
  "deno task page on a full disk leaves no empty or partial draw.html, and keeps the one written before",
  needs("read", "write", { name: "run", command: "deno" }),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      const files = () => [...Deno.readDirSync(runDir)].map((e) => e.name).filter((n) => n.includes("draw")).sort();
      for (const room of [0, 100]) {
        const write = fullDisk((path) => path.includes("draw"), { room });
        const { code, err } = await capture(() => pageCli([runDir], { ...options, write }));
        assert.equal(code, 2);
        assert.match(err, /^page: cannot write \S+\/draw\.html: No space left on device \(os error 28\)\n$/);
        assert.deepEqual(files(), [], `room for ${room} bytes: nothing left behind`);
      }
      assert.equal((await capture(() => pageCli([runDir], options))).code, 0);
      const page = await Deno.readTextFile(`${runDir}/draw.html`);
      const write = fullDisk((path) => path.includes("draw"), { room: 100 });
      assert.equal((await capture(() => pageCli([runDir], { ...options, write }))).code, 2);
      assert.deepEqual(files(), ["draw.html"]);
      assert.equal(await Deno.readTextFile(`${runDir}/draw.html`), page, "the page written before is kept");
    }),
);
