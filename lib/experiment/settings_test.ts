import assert from "node:assert/strict";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { helpText, parseCommandLine, parseSeeds, UsageError } from "./settings.ts";

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
    [["--seed=-3"], /--seed: got '-3', expected an integer from 0 to 4294967295/],
    [["--train-limit", ""], /--train-limit: got '', expected a positive integer or 'all'/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
    [["--arm", "both"], /--arm: got 'both', but this experiment has a single arm/],
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
  const text = helpText("exp:tiny", { ...tinyExperiment, envVar: "FASHION_MNIST_DATA_DIR", out: "results" });
  for (
    const flag of [
      "--seed",
      "--epochs",
      "--lr",
      "--batch-size",
      "--optimizer",
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
  assert.throws(() => parseSeeds("4..0"), /--seeds: got '4..0', a range must run upwards/);
  assert.throws(() => parseSeeds("a"), /--seeds: got 'a', expected seeds like 0..4/);
  assert.deepEqual(parse(["--seeds", "0..2"]).controls.seeds, [0, 1, 2]);
});
