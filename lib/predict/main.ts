/**
 * `deno task predict RUN_DIR IMAGE...`: classifies PNG, PGM and IDX images
 * with a run's trained model, printing the top three classes of each.
 *
 * ```sh
 * deno task predict results/zhou/<run> digit.png
 * deno task predict results/zhou/<run> t10k-images-idx3-ubyte.gz --index 0..9 --csv
 * deno task predict results/ablation/<run> trouser.pgm --arm both
 * ```
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { type Command, type FlagType, runCli, runMain } from "../cli/mod.ts";
import { type Experiment, findExperiment } from "../experiment/mod.ts";
import { decodeIdxImages, decodePgm, decodePngGrey } from "./image.ts";
import { type GreyImage, toModelInput } from "./input.ts";
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

/** How many classes are printed per image. */
const TOP = 3;

/** Each file's images, named `file` or `file[index]` for IDX files. */
function readImages(files: string[], indices: number[]): { name: string; image: GreyImage }[] {
  return files.flatMap((file) => {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(file);
    } catch (error) {
      throw new Error(`${file}: cannot read (${(error as Error).message.replace(/: \w+ '[^']*'$/, "")})`);
    }
    const ascii = String.fromCharCode(...bytes.subarray(0, 4));
    if (ascii === "\x89PNG") return [{ name: file, image: decodePngGrey(bytes, file) }];
    if (/^P[25]\s/.test(ascii)) return [{ name: file, image: decodePgm(bytes, file) }];
    if (/\.pgm$/i.test(file) || /\.png$/i.test(file)) throw new Error(`${file}: not a PNG or PGM file`);
    return decodeIdxImages(bytes, file, indices).map((image, i) => ({ name: `${file}[${indices[i]}]`, image }));
  });
}

/**
 * Runs the command line and returns the exit code.
 *
 * @param args `Deno.args`.
 * @param options how to find an experiment by name (tests give the tiny one); default `experiments/<name>.ts`.
 */
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
      });
      const [, height, width] = predictor.inputShape as [number, number, number];
      const images = readImages(files, values.index!);
      const probabilities = classify(predictor, images.map(({ image }) => toModelInput(image, { height, width })));
      const rows = images.flatMap(({ name }, n) =>
        [...probabilities[n]!.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)
          .map(([k, p], rank) => ({ name, rank: rank + 1, k, label: predictor.labels[k] ?? String(k), p }))
      );
      if (values.csv) {
        const header = [["image", "rank", "class", "label", "probability"]];
        console.log(stringify([...header, ...rows.map((r) => [r.name, r.rank, r.k, r.label, r.p])]).trimEnd());
      } else {
        for (const { name } of images) {
          const top = rows.filter((r) => r.name === name).map((r) => `${r.label} ${(r.p * 100).toFixed(1)}%`);
          console.log(`${name}: ${top.join(", ")}`);
        }
      }
      return 0;
    },
  });
}

if (import.meta.main) await runMain(predictCli);
