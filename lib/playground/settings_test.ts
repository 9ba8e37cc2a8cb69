import assert from "node:assert/strict";
import { experimentCli, parseCommandLine, UsageError } from "../experiment/mod.ts";
import { usageLine } from "../cli/mod.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { commandLineOf, pageMessage, pageSettings } from "./settings.ts";

/** What the command line prints for these flags, or null when they parse. */
function commandLineMessage(args: string[]): string | null {
  const experiment = tinyArmsExperiment;
  try {
    parseCommandLine(args, { ...experiment, armNames: experiment.arms!.map((a) => a.name), out: "/" });
    return null;
  } catch (error) {
    return usageLine(experimentCli(experiment).task, error as UsageError);
  }
}

Deno.test("a link's settings are the command line's flags, parsed and refused in the command line's words", () => {
  const cases = ["seed=1e3", "epochs=0", "lr=-1", "optimizer=sgdd", "arm=neither", "epoch=2", "train-limit=all"];
  for (const query of cases) {
    const params = new URLSearchParams(query);
    const expected = commandLineMessage(commandLineOf(tinyArmsExperiment, params));
    let got: string | null = null;
    try {
      pageSettings(tinyArmsExperiment, params);
    } catch (error) {
      got = pageMessage(tinyArmsExperiment, error);
    }
    assert.equal(got, expected, query);
  }
  assert.match(commandLineMessage(["--epoch", "2"])!, /^exp tiny_arms: unknown flag --epoch \(did you mean --epochs/);
});

Deno.test("a link sets what its flags set and the arms it names", () => {
  const page = pageSettings(tinyArmsExperiment, new URLSearchParams("seed=3&lr=0.5&arm=frozen&autostart=1"));
  assert.equal(page.settings.seed, 3);
  assert.equal(page.overrides.lr, 0.5);
  assert.equal(page.overrides.epochs, undefined, "only what the link sets overrides the arms' own");
  assert.deepEqual(page.arms, ["frozen"]);
});

Deno.test("a page refuses the flags about files and threads, naming them", () => {
  for (
    const [query, message] of [
      ["out=x", /^exp tiny: --out: a command-line flag; the page has no files to use \(/],
      ["resume=r", /^exp tiny: --resume: a command-line flag/],
      ["threads=2", /^exp tiny: --threads: got 2, the page trains on one thread \(/],
    ] as const
  ) {
    assert.throws(() => pageSettings(tinyExperiment, new URLSearchParams(query)), (error: unknown) => {
      assert.match(pageMessage(tinyExperiment, error), message);
      return true;
    });
  }
  assert.equal(pageMessage(tinyExperiment, new Error("a file is missing")), "exp tiny: a file is missing");
});
