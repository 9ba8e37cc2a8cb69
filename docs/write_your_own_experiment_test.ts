/**
 * Takes the experiment file from docs/write_your_own_experiment.md, adds it
 * to a temporary copy of the project and runs it through `exp`, `sweep`,
 * `compare` and `predict`, as the page says, so the page cannot go stale.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { needs } from "../lib/testing/io.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PAGE = `${ROOT}docs/write_your_own_experiment.md`;

/** The page's one complete experiment file: its first fenced ts block. */
function exampleOf(markdown: string): { name: string; code: string } {
  const code = markdown.match(/```ts\n([\s\S]*?)```/)?.[1];
  assert.ok(code, "the page has a ts block");
  const name = code.match(/^\s*name: "([a-z][a-z0-9_]*)",/m)?.[1];
  assert.ok(name, "the example names its experiment");
  return { name, code };
}

async function task(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["task", "-q", ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return { code, out };
}

Deno.test({
  name: "the page's experiment runs through exp, sweep, compare and predict in a copy of the project",
  ...needs("read", "write", "env", { name: "run", command: "deno" }),
  fn: async () => {
    const { name, code } = exampleOf(await Deno.readTextFile(PAGE));
    const copy = await mkdtemp(`${tmpdir()}/own-experiment-`);
    try {
      for (const part of ["deno.json", "deno.lock", "lib", "experiments", "datasets/fashion-mnist"]) {
        await cp(`${ROOT}${part}`, `${copy}/${part}`, { recursive: true, filter: (f) => !f.includes("/cache") });
      }
      await Deno.writeTextFile(`${copy}/experiments/${name}.ts`, code);
      const small = ["--train-limit", "60", "--test-limit", "30", "--epochs", "1", "--quiet"];

      const help = await task(copy, ["exp", name, "--help"]);
      assert.equal(help.code, 0, help.out);
      assert.match(help.out, new RegExp(`Usage: deno task exp ${name} \\[flags\\]`));
      const list = await task(copy, ["exp", "--help"]);
      assert.match(list.out, new RegExp(`\\n {2}${name} +Zhou's Conv3x3 \\(16 filters\\)`), list.out);

      const run = await task(copy, ["exp", name, ...small]);
      assert.equal(run.code, 0, run.out);
      const [folder] = [...Deno.readDirSync(`${copy}/results/${name}`)].map((e) => e.name);
      const runDir = `${copy}/results/${name}/${folder}`;
      const manifest = JSON.parse(await Deno.readTextFile(`${runDir}/manifest.json`));
      assert.equal(manifest.status, "completed");
      assert.equal(manifest.command, `deno task exp ${name} ${small.join(" ")}`);

      const set = ["train-limit=60", "test-limit=30", "epochs=1"].flatMap((s) => ["--set", s]);
      const plan = await task(copy, ["sweep", "plan", "own", "--experiment", name, "--grid", "lr=0.005,0.01", ...set]);
      assert.equal(plan.code, 0, plan.out);
      const swept = await task(copy, ["sweep", "run", "own", "--jobs", "2"]);
      assert.equal(swept.code, 0, swept.out);

      const compared = await task(copy, ["compare", "--sweep", "own", "--group-by", "lr"]);
      assert.equal(compared.code, 0, compared.out);
      assert.match(compared.out, /lr=0\.005/);
      assert.match(compared.out, /lr=0\.01/);

      const images = "datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
      const predicted = await task(copy, ["predict", runDir, images, "--index", "0..1"]);
      assert.equal(predicted.code, 0, predicted.out);
      assert.match(predicted.out, /t10k-images-idx3-ubyte\.gz\[0\]: \S+ \d+\.\d%, /);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  },
});
