import assert from "node:assert/strict";
import { ablation } from "../../experiments/ablation.ts";
import { fashion } from "../../experiments/fashion.ts";
import { tinyMnistFiles, writeFiles } from "../data/_fixtures.ts";
import { runExperimentCli } from "./cli.ts";
import type { Experiment } from "./experiment.ts";

async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...args: unknown[]) => out.push(args.join(" "));
  console.error = (...args: unknown[]) => err.push(args.join(" "));
  try {
    return { result: await run(), out: out.join("\n"), err: err.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("runExperimentCli() prints help and exits 0", async () => {
  const { result, out } = await quietly(() => runExperimentCli(ablation, ["--help"]));
  assert.equal(result, 0);
  assert.match(out, /Usage: deno task exp:ablation/);
  assert.match(out, /--arm NAME .* both, conv_frozen, dense_frozen/);
});

Deno.test("runExperimentCli() exits 2 on a bad flag before anything runs", async () => {
  const out = await Deno.makeTempDir();
  const { result, err } = await quietly(() => runExperimentCli(ablation, ["--epochs", "0", "--out", out]));
  assert.equal(result, 2);
  assert.match(err, /exp:ablation: --epochs: got '0', expected a positive integer/);
  assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
});

Deno.test("runExperimentCli() runs one folder per seed with --seeds", async () => {
  const out = await Deno.makeTempDir();
  const args = [
    "--seeds",
    "3..4",
    "--arm",
    "both",
    "--epochs",
    "1",
    "--train-limit",
    "40",
    "--test-limit",
    "20",
    "--quiet",
    "--out",
    out,
  ];
  const { result, out: printed } = await quietly(() => runExperimentCli(ablation, args));
  assert.equal(result, 0);
  const runs = [...Deno.readDirSync(`${out}/ablation`)].map((e) => e.name).sort();
  assert.equal(runs.length, 2);
  assert.match(runs[0]!, /-seed3$/);
  assert.match(runs[1]!, /-seed4$/);
  assert.match(printed, /both\/validation: loss/);
});

/** Flags of a small fashion run into `out`. */
const small = (out: string) => ["--train-limit", "60", "--test-limit", "30", "--epochs", "1", "--quiet", "--out", out];

Deno.test("runExperimentCli() exits 2 on a limit larger than the data, before any run folder", async () => {
  const out = await Deno.makeTempDir();
  const { result, err } = await quietly(() => runExperimentCli(fashion, [...small(out), "--train-limit", "70000"]));
  assert.equal(result, 2);
  assert.match(err, /--train-limit: got 70000, but the training set holds 60000 images/);
  assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
});

Deno.test("runExperimentCli() completes a run that SIGTERM reaches during its final writes, and starts no further seed", async () => {
  const out = await Deno.makeTempDir();
  const write = (path: string, data: Uint8Array, options?: { append?: boolean }) => {
    if (path.endsWith("charts.txt")) Deno.kill(Deno.pid, "SIGTERM"); // deno test itself handles SIGINT
    Deno.writeFileSync(path, data, options);
  };
  const { result } = await quietly(() => runExperimentCli(fashion, [...small(out), "--seeds", "0..1"], { write }));
  assert.equal(result, 130, "a signalled command exits 130");
  const [run, ...others] = [...Deno.readDirSync(`${out}/fashion`)];
  assert.equal(others.length, 0, "the series stops: no second seed");
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/fashion/${run!.name}/manifest.json`));
  assert.equal(manifest.status, "completed");
  assert.equal(manifest.samples_seen, 60);
  assert.ok(manifest.ended_at !== null);
  assert.match(await Deno.readTextFile(`${out}/fashion/${run!.name}/evaluations.md`), /\| 1 \| test \|/);
});

Deno.test("runExperimentCli() treats SIGHUP (a closed terminal) like SIGTERM: interrupted, exit 130", async () => {
  const out = await Deno.makeTempDir();
  const hangUp: Experiment = {
    ...fashion,
    formatInterval: (log) => (log.step === 10 && Deno.kill(Deno.pid, "SIGHUP"), ""),
  };
  const args = [...small(out), "--train-limit", "2000", "--log-every", "10"];
  const { result } = await quietly(() => runExperimentCli(hangUp, args));
  assert.equal(result, 130);
  const [run] = [...Deno.readDirSync(`${out}/fashion`)];
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/fashion/${run!.name}/manifest.json`));
  assert.equal(manifest.status, "interrupted");
  assert.match(manifest.status_detail, /received SIGHUP/);
  assert.ok(manifest.ended_at !== null && manifest.samples_seen >= 10);
});

const deniedOut = `/tmp/not-permitted-${crypto.randomUUID()}`;
Deno.test({
  name: "runExperimentCli() refuses an --out it may not write, printing the deno run line to use instead",
  permissions: { read: true, write: ["results"], env: true, run: ["git"] },
  ignore: (["read", "write", "env"] as const).some((name) => Deno.permissions.querySync({ name }).state !== "granted"),
  fn: async () => {
    const { result, err } = await quietly(() => runExperimentCli(fashion, ["--out", deniedOut, "--epochs", "1"]));
    assert.equal(result, 2);
    assert.match(err, new RegExp(`--out: cannot write to ${deniedOut} with this command's permissions; run instead:`));
    assert.match(
      err,
      new RegExp(
        `deno run --config=\\S+/deno.json --allow-read --allow-write=\\S+/results,\\S+/datasets/fashion-mnist/cache,${deniedOut} .* \\S+/experiments/fashion.ts --out ${deniedOut} --epochs 1`,
      ),
    );
    assert.throws(() => Deno.statSync(deniedOut), Deno.errors.NotFound, "nothing written");
  },
});

Deno.test("runExperimentCli() resolves --data-dir against INIT_CWD and, quiet, still says the data was modified", async () => {
  const out = await Deno.makeTempDir();
  const cwd = await Deno.makeTempDir();
  await writeFiles(`${cwd}/tiny`, tinyMnistFiles());
  const before = Deno.env.get("INIT_CWD");
  Deno.env.set("INIT_CWD", cwd);
  try {
    const args = [
      "--data-dir",
      "tiny",
      "--allow-modified-data",
      ...small(out),
      "--train-limit",
      "6",
      "--test-limit",
      "4",
    ];
    const { result, err } = await quietly(() => runExperimentCli(fashion, args));
    assert.equal(result, 0);
    assert.equal(err.split("\n").length, 1);
    assert.match(err, new RegExp(`data: fashion-mnist from ${cwd}/tiny .*SHA-256 differs`));
  } finally {
    if (before === undefined) Deno.env.delete("INIT_CWD");
    else Deno.env.set("INIT_CWD", before);
  }
});

Deno.test("runExperimentCli() on bad data prints the error and no empty evaluation table", async () => {
  const [out, empty] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const { result, out: printed, err } = await quietly(() =>
    runExperimentCli(fashion, ["--data-dir", empty, "--out", out])
  );
  assert.equal(result, 1);
  assert.match(err, new RegExp(`data dir ${empty}`));
  assert.doesNotMatch(printed, /\| epoch \| split \|/);
  assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
});

Deno.test("runExperimentCli() warns of a batch larger than the training set", async () => {
  const out = await Deno.makeTempDir();
  const { result, err } = await quietly(() => runExperimentCli(fashion, [...small(out), "--batch-size", "100"]));
  assert.equal(result, 0);
  assert.match(err, /warning: --batch-size 100 is larger than the 60 training images/);
});
