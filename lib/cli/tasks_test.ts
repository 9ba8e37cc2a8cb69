/**
 * Every task of deno.json, run as a user runs it (`deno task NAME ...`):
 * `--help` exits 0 with its usage and does nothing else; a typo'd flag, a
 * missing value and a bad value each exit 2 with one line
 * `<task>: <what is wrong> (<what to do>)`, the typo's saying "did you mean".
 */
import assert from "node:assert/strict";
import { needs } from "../testing/io.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Per task: the prefix of its messages, then a typo'd flag, a missing value and a bad value. */
const CASES: Record<string, { prefix: string; typo: string[]; missing: string[]; bad: string[] }> = {
  exp: {
    prefix: "exp zhou",
    typo: ["zhou", "--epoch", "1"],
    missing: ["zhou", "--epochs"],
    bad: ["zhou", "--lr", "0"],
  },
  "exp:zhou": { prefix: "exp zhou", typo: ["--quite"], missing: ["--seed"], bad: ["--epochs", "1.5"] },
  "exp:fashion": { prefix: "exp fashion", typo: ["--batchsize", "2"], missing: ["--out"], bad: ["--backend", "gpu"] },
  "exp:ablation": { prefix: "exp ablation", typo: ["--arms", "both"], missing: ["--arm"], bad: ["--arm", "neither"] },
  "exp:bitsbrains": {
    prefix: "exp bitsbrains",
    typo: ["--treads", "2"],
    missing: ["--threads"],
    bad: ["--seeds", "4..1"],
  },
  compare: { prefix: "compare", typo: ["--experimnt", "zhou"], missing: ["--height"], bad: ["--x", "time", "r"] },
  sweep: {
    prefix: "sweep",
    typo: ["run", "s", "--jbos", "2"],
    missing: ["run", "s", "--jobs"],
    bad: ["run", "s", "--jobs", "0"],
  },
  predict: {
    prefix: "predict",
    typo: ["r", "i.png", "--idx", "1"],
    missing: ["r", "i.png", "--index"],
    bad: ["r", "i.png", "--index", "x"],
  },
  page: { prefix: "page", typo: ["r", "--ot", "x.html"], missing: ["r", "--out"], bad: ["r", "--out="] },
  serve: { prefix: "serve", typo: ["r", "--prot", "80"], missing: ["r", "--port"], bad: ["r", "--port", "99999"] },
  playground: { prefix: "playground", typo: ["--data-dri", "d"], missing: ["--port"], bad: ["--port", "65536"] },
  report: { prefix: "report", typo: ["r", "--hepl"], missing: [], bad: ["r", "--help=yes"] }, // missing: the folder
  "report:screenshot": {
    prefix: "report:screenshot",
    typo: ["a", "b", "--hlep"],
    missing: ["a.html"],
    bad: ["a", "b", "x", "tall"],
  },
  bench: { prefix: "bench", typo: ["--round", "1"], missing: ["--rounds"], bad: ["--network", "resnet"] },
  "playground:speed": {
    prefix: "playground:speed",
    typo: ["--round", "1"],
    missing: ["--rounds"],
    bad: ["--network", "resnet"],
  },
  "build:wasm": { prefix: "build:wasm", typo: ["--chek"], missing: ["--check", "extra"], bad: ["--check=yes"] },
};

/** Tasks that are the suite's own checks, not commands of it. */
const DEVELOPMENT = ["test", "check", "lint:docs", "ok"];

async function task(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = new Deno.Command("deno", {
    args: ["task", "-q", "--config", `${ROOT}deno.json`, name, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  });
  const { code, stdout, stderr } = await command.output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  // Nothing is filtered: a task run with -P would print Deno's "permissions in the config file" warning first.
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

/** Runs `fn` over `items`, `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

Deno.test("every task of deno.json has its cases here", needs("read"), () => {
  const tasks = Object.keys(JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks);
  assert.deepEqual(tasks.filter((t) => !DEVELOPMENT.includes(t)).sort(), Object.keys(CASES).sort());
});

Deno.test(
  "every task: --help exits 0 with usage and no side effect; a typo, a missing and a bad value exit 2 in one line",
  needs("read", { name: "run", command: "deno" }),
  async () => {
    const kernels = `${ROOT}lib/backend/wasm/kernels_wasm.ts`;
    const before = Deno.statSync(kernels).mtime?.getTime();
    const runs = Object.entries(CASES).flatMap(([name, c]) => [
      { name, kind: "help", args: ["--help"] },
      { name, kind: "typo", args: c.typo },
      { name, kind: "missing", args: c.missing },
      { name, kind: "bad", args: c.bad },
    ]);
    await eachLimited(runs, 3, async ({ name, kind, args }) => {
      const { code, stdout, stderr } = await task(name, args);
      const what = `deno task ${name} ${args.join(" ")}: ${stderr}`;
      if (kind === "help") {
        assert.equal(code, 0, what);
        assert.match(
          stdout,
          new RegExp(`^Usage: deno task ${name === "exp" ? "exp NAME" : CASES[name]!.prefix} `),
          what,
        );
        assert.match(stdout, /\n {2}-h, --help +this text\n/, what);
        return;
      }
      assert.equal(code, 2, what);
      assert.equal(stdout, "", what);
      const escaped = CASES[name]!.prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assert.match(stderr, new RegExp(`^${escaped}: [^\\n]+ \\([^\\n]+\\)\\n$`), what);
      if (kind === "typo") assert.match(stderr, /did you mean --[\w-]+\?/, what);
    });
    assert.equal(Deno.statSync(kernels).mtime?.getTime(), before, "build:wasm --help rebuilt nothing");
  },
);
