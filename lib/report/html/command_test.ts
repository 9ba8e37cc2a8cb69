import assert from "node:assert/strict";
import { runExperimentCli } from "../../experiment/mod.ts";
import { needs, withTempDir } from "../../testing/io.ts";
import { tinyArmsExperiment } from "../../testing/tiny_experiment.ts";
import type { Manifest } from "../../run/mod.ts";
import { readManifest } from "../../run/mod.ts";
import { repoPath, reproduceCommand, typedSettings } from "./command.ts";

const ROOT = "/home/me/cnn";

/** A manifest with only what the command line is made from. */
function manifest(parts: Partial<Manifest>): Manifest {
  return { experiment: "zhou", settings: {}, datasets: [], files: {}, final_metrics: {}, ...parts } as Manifest;
}

Deno.test("typedSettings() types a null limit as 'all', a switch as its flag, and no flag for fixed settings", () => {
  const typed = typedSettings({ seed: 3, train_limit: null, log_every: 100, order: "reshuffle", flag_full: true });
  assert.deepEqual(typed.map((s) => [s.name, s.value, s.words.join(" ")]), [
    ["seed", "3", "--seed 3"],
    ["train_limit", "all", "--train-limit all"],
    ["log_every", "100", "--log-every 100"],
    ["order", "reshuffle", ""],
    ["flag_full", "on", "--full"],
  ]);
  const arms = typedSettings({ lr: 0.005, arms: "a,b", "b.lr": 0.001 });
  assert.deepEqual(arms.map((s) => s.words.join(" ")), ["", "--arm a,b", ""], "a flag would set lr for both arms");
  assert.equal(arms[0]!.why, "differs between arms");
});

Deno.test("reproduceCommand() names the data folder as it was given, relative to the repository", () => {
  const mnist = { name: "mnist", dir: "/home/me/data/mnist", files: [], modified: false };
  const fromEnv = manifest({ settings: { seed: 0 }, datasets: [{ ...mnist, source: "env" }] });
  assert.equal(reproduceCommand(fromEnv, { root: ROOT }), "MNIST_DATA_DIR=../data/mnist deno task exp:zhou --seed 0");
  const fromFlag = manifest({ settings: { seed: 0 }, datasets: [{ ...mnist, source: "data-dir", modified: true }] });
  assert.equal(
    reproduceCommand(fromFlag, { root: ROOT }),
    "deno task exp:zhou --seed 0 --data-dir ../data/mnist --allow-modified-data",
  );
  const recorded = { ...fromEnv, command: "deno task exp:zhou --seed 0 --epochs 1" };
  assert.equal(reproduceCommand(recorded, { root: ROOT }), recorded.command, "the recorded command wins");
  assert.equal(repoPath(`${ROOT}/datasets/fashion-mnist`, ROOT), "datasets/fashion-mnist");
  assert.equal(repoPath("datasets/x", ROOT), "datasets/x");
});

Deno.test(
  "reproduceCommand() of a run, typed again, makes a run with the same settings",
  needs("read", "write", "env"),
  () =>
    withTempDir(async (out) => {
      const quietly = async (args: string[]) => {
        const log = console.log;
        console.log = () => {};
        try {
          return await runExperimentCli(tinyArmsExperiment, [...args, "--out", out, "--quiet"]);
        } finally {
          console.log = log;
        }
      };
      const first = ["--seed", "7", "--epochs", "1", "--lr", "0.02", "--test-limit", "20", "--arm", "frozen"];
      assert.equal(await quietly(first), 0);
      const runs = () => [...Deno.readDirSync(`${out}/tiny_arms`)].map((e) => e.name).sort();
      const made = await readManifest(`${out}/tiny_arms/${runs()[0]}/manifest.json`);
      const words = reproduceCommand(made).split(" ");
      assert.deepEqual(words.slice(0, 4), ["deno", "task", "exp", "tiny_arms"]);
      assert.ok(words.includes("--arm") && words.includes("0.02"), words.join(" "));
      assert.equal(await quietly(words.slice(4)), 0);
      const again = await readManifest(`${out}/tiny_arms/${runs()[1]}/manifest.json`);
      assert.deepEqual(again.settings, made.settings);
    }),
);
