/**
 * `deno task predict RUN_DIR IMAGE...`: classifies images with a run's trained model, printing the top three.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { type Command, type FlagType, runCli, runMain } from "../cli/mod.ts";
import { type Experiment, findExperiment } from "../experiment/mod.ts";
import { readModelInputs } from "./image.ts";
import { classify, loadPredictor } from "./predict.ts";

/** Image indices: `0..99`, `3,5,8` or a mix. */
const indexList: FlagType<number[]> = {
  allowed: "indices like 0..99 or 3,5,8 (ranges upwards, at most 100000 each)",
  read: (text) => {
    const indices: number[] = [];
    for (const part of text.split(",")) {
      const m = part.trim().match(/^(\d+)(?:\.\.(\d+))?$/);
      const [from, to] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
      if (!(to >= from && to - from < 100_000)) return undefined;
      for (let i = from; i <= to; i++) indices.push(i);
    }
    return indices;
  },
};

const FLAGS = {
  arm: { value: "NAME", help: "the arm of a multi-arm run" },
  index: { value: "LIST", type: indexList, default: [0], help: "which images of an IDX file: 0..99, 3,5,8 or a mix" },
  csv: { help: "print image,rank,class,label,probability rows instead" },
} as const;

/** The command: its flag table and --help text. */
export const PREDICT: Command<typeof FLAGS> = {
  task: "predict",
  usage: "RUN_DIR IMAGE...",
  positionals: { min: 2 },
  about: `Classifies images with the model a run saved (model.safetensors, or
model-<arm>.safetensors), rebuilt from the experiment its manifest names.
Images: PNG or PGM of any size and colour (made grey, light on dark, and
area-averaged to the model's input size, then given the run's pixel
transform), or IDX image files as MNIST ships them (.gz or not).`,
  flags: FLAGS,
  notes: `Exit codes: 0 classified, 2 bad input (a missing or unreadable file, an
unknown arm, a checkpoint that does not fit).`,
};

/** Runs the command line and returns the exit code; `options.experiment` finds one by name (tests: the tiny one). */
export function predictCli(
  args: string[],
  options: { experiment?: (name: string) => Promise<Experiment> } = {},
): Promise<number> {
  return runCli(PREDICT, args, {
    errorCode: 2,
    run: async ({ values, positionals: [runDir, ...files] }) => {
      const predictor = await loadPredictor(runDir!, {
        arm: values.arm,
        experiment: options.experiment ?? findExperiment,
        warn: (line) => console.error(`warning: ${line}`),
      });
      const [, height, width] = predictor.inputShape as [number, number, number];
      const images = readModelInputs(files, { indices: values.index!, height, width });
      const probabilities = classify(predictor, images.map((image) => image.input));
      // Each image's top three, by position: the same file (or index) twice is two images.
      const tops = images.map(({ name }, n) =>
        [...probabilities[n]!.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3)
          .map(([k, p], rank) => ({ name, rank: rank + 1, k, label: predictor.labels[k] ?? String(k), p }))
      );
      if (values.csv) {
        const header = [["image", "rank", "class", "label", "probability"]];
        console.log(stringify([...header, ...tops.flat().map((r) => [r.name, r.rank, r.k, r.label, r.p])]).trimEnd());
      } else {
        for (const top of tops) {
          console.log(`${top[0]!.name}: ${top.map((r) => `${r.label} ${(r.p * 100).toFixed(1)}%`).join(", ")}`);
        }
      }
      return 0;
    },
  });
}

if (import.meta.main) await runMain(predictCli);
