import assert from "node:assert/strict";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { helpText } from "../cli/mod.ts";
import { experimentCli } from "./cli.ts";
import { parseCommandLine, parseSeeds, UsageError } from "./settings.ts";

const parse = (args: string[], env: { dataDir?: string } = {}) =>
  parseCommandLine(args, { defaults: tinyExperiment.defaults, armNames: [], out: "results", env });

Deno.test("parseCommandLine() applies flags over the defaults and records only what was set", () => {
  const { settings, overrides, controls } = parse([
    "--lr",
    "0.01",
    "--epochs",
    "2",
    "--train-limit",
    "all",
    "--test-limit",
    "500",
    "--quiet",
  ]);
  assert.equal(settings.lr, 0.01);
  assert.equal(settings.epochs, 2);
  assert.equal(settings.trainLimit, null);
  assert.equal(settings.testLimit, 500);
  assert.equal(settings.batchSize, 1);
  assert.deepEqual(Object.keys(overrides).sort(), ["epochs", "flags", "lr", "testLimit", "trainLimit"]);
  assert.equal(controls.quiet, true);
});

Deno.test("parseCommandLine() names the flag, the value and what is allowed", () => {
  const cases: [string[], RegExp][] = [
    [["--lr=-1"], /--lr: got '-1', expected a positive number/],
    [["--lr", "0"], /--lr: got '0', expected a positive number/],
    [["--epochs", "2.5"], /--epochs: got '2.5', expected a positive integer/],
    [["--batch-size", "zero"], /--batch-size: got 'zero', expected a positive integer/],
    [["--optimizer", "rmsprop"], /--optimizer: got 'rmsprop', expected one of sgd, momentum, adam/],
    [["--backend", "gpu"], /--backend: got 'gpu', expected one of wasm, wasm-fma, ts/],
    [["--seed=-3"], /--seed: got '-3', expected an integer from 0 to 4294967295/],
    [["--seed", "0x10"], /--seed: got '0x10', expected an integer from 0/],
    [["--seed", "1e3"], /--seed: got '1e3', expected an integer from 0/],
    [["--seed", "+5"], /--seed: got '\+5', expected an integer from 0 to 4294967295/],
    [["--epochs", "1e1"], /--epochs: got '1e1', expected a positive integer/],
    [["--seed", "1", "--seeds", "0..4"], /--seeds and --seed: give one or the other/],
    [["--arm", ","], /unknown flag --arm/],
    [["--momentum", "1"], /--momentum: got '1', expected 0 <= x < 1/],
    [["--epsilon", "0"], /--epsilon: got '0', expected > 0/],
    [["--train-limit", ""], /--train-limit: got '', expected a positive integer or 'all'/],
    [["--frobnicate"], /unknown flag --frobnicate/],
    [["--epoch", "2"], /unknown flag --epoch$/],
    [["--epochs"], /--epochs needs a value/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parse(args),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      args.join(" "),
    );
  }
});

Deno.test("parseCommandLine() takes the data folder from the flag, else from the environment", () => {
  assert.deepEqual([
    parse([], { dataDir: "/env" }).controls.dataDir,
    parse([], { dataDir: "/env" }).controls.dataDirFromEnv,
  ], ["/env", true]);
  const flagged = parse(["--data-dir", "/flag"], { dataDir: "/env" }).controls;
  assert.deepEqual([flagged.dataDir, flagged.dataDirFromEnv], ["/flag", false]);
});

Deno.test("helpText() lists every flag with its default", () => {
  const text = helpText(experimentCli(tinyExperiment));
  for (
    const flag of [
      "--seed",
      "--epochs",
      "--lr",
      "--batch-size",
      "--optimizer",
      "--backend",
      "--train-limit",
      "--test-limit",
      "--data-dir",
      "--out",
      "--quiet",
    ]
  ) {
    assert.match(text, new RegExp(flag));
  }
  assert.match(text, /--lr X\s+learning rate \(default 0.005\)/);
  assert.match(text, /FASHION_MNIST_DATA_DIR/);
});

Deno.test("parseSeeds() reads ranges and lists, and names a bad value", () => {
  assert.deepEqual(parseSeeds("0..4"), [0, 1, 2, 3, 4]);
  assert.deepEqual(parseSeeds("1,5,9"), [1, 5, 9]);
  assert.deepEqual(parseSeeds("0..2,7,1"), [0, 1, 2, 7]);
  assert.throws(() => parseSeeds("4..0"), /--seeds: got '4..0', expected seeds like 0..4 or 1,5,9 \(ranges upwards/);
  assert.throws(() => parseSeeds("a"), /--seeds: got 'a', expected seeds like 0..4/);
  assert.throws(() => parseSeeds("0..999,1000..1999"), /--seeds: got '0..999,1000..1999', .*at most 1000 seeds/);
  assert.deepEqual(parse(["--seeds", "0..2"]).controls.seeds, [0, 1, 2]);
});

Deno.test("parseCommandLine() warns of a learning rate too small for float32 to learn", () => {
  assert.deepEqual(parse(["--lr", "1e-31"]).warnings, ["--lr 1e-31: below 1e-30, float32 weights will not change"]);
  assert.deepEqual(parse(["--lr", "1e-3"]).warnings, []);
});

Deno.test("parseCommandLine() resolves relative --data-dir and --out against the given working folder", () => {
  const { controls } = parseCommandLine(["--data-dir", "data", "--out", "../runs"], {
    defaults: tinyExperiment.defaults,
    out: "results",
    cwd: "/home/me/work",
  });
  assert.equal(controls.dataDir, "/home/me/work/data");
  assert.equal(controls.out, "/home/me/runs");
  assert.equal(parse(["--data-dir", "/abs"]).controls.dataDir, "/abs");
});

Deno.test("parseCommandLine() takes optimizer hyper-parameters and helpText() lists them with defaults", () => {
  assert.deepEqual(parse(["--optimizer", "adam", "--beta2", "0.99"]).overrides.hyper, { beta2: 0.99 });
  const text = helpText(experimentCli(tinyExperiment));
  assert.match(text, /--momentum X\s+momentum's decay of the velocity \(default 0.9\)/);
  assert.match(text, /--epsilon X\s+.*\(default 1e-7\)/);
});

Deno.test("parseCommandLine() reads --checkpoint-every and --init-from", () => {
  const { controls } = parseCommandLine(["--checkpoint-every", "2", "--init-from", "runs/model.safetensors"], {
    defaults: tinyExperiment.defaults,
    out: "results",
    cwd: "/home/me",
  });
  assert.equal(controls.checkpointEvery, 2);
  assert.equal(controls.initFrom, "/home/me/runs/model.safetensors");
  assert.equal(parse([]).controls.checkpointEvery, null);
  assert.equal(parse([]).controls.initFrom, null);
  assert.throws(() => parse(["--checkpoint-every", "0"]), /--checkpoint-every: got '0', expected a positive integer/);
  assert.throws(() => parse(["--init-from", ""]), /--init-from: got '', expected a path/);
});
