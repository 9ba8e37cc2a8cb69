import assert from "node:assert/strict";
import { needs, withTempDir } from "../testing/io.ts";
import { tinyArmsExperiment } from "../testing/tiny_experiment.ts";
import { runExperimentCli } from "./cli.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

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
  const { result, out } = await quietly(() => runExperimentCli(tinyArmsExperiment, ["--help"]));
  assert.equal(result, 0);
  assert.match(out, /Usage: deno task exp:tiny_arms/);
  assert.match(out, /--arm NAME .* trained, frozen/);
});

Deno.test("runExperimentCli() exits 2 on a bad flag before anything runs", io, () =>
  withTempDir(async (out) => {
    const { result, err } = await quietly(() => runExperimentCli(tinyArmsExperiment, ["--epochs", "0", "--out", out]));
    assert.equal(result, 2);
    assert.match(err, /exp:tiny_arms: --epochs: got '0', expected a positive integer/);
    assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
  }));

Deno.test("runExperimentCli() runs one folder per seed with --seeds", io, () =>
  withTempDir(async (out) => {
    const args = [
      "--seeds",
      "3..4",
      "--arm",
      "trained",
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
    const { result, out: printed } = await quietly(() => runExperimentCli(tinyArmsExperiment, args));
    assert.equal(result, 0);
    const runs = [...Deno.readDirSync(`${out}/tiny_arms`)].map((e) => e.name).sort();
    assert.equal(runs.length, 2);
    assert.match(runs[0]!, /-seed3$/);
    assert.match(runs[1]!, /-seed4$/);
    assert.match(printed, /trained\/test: loss/);
  }));
