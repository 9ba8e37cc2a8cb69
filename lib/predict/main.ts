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
import { parseArgs } from "node:util";
import { stringify } from "csv-stringify/sync";
import type { Experiment } from "../experiment/mod.ts";
import { modelInputs, readImageFiles } from "./image.ts";
import { classify, loadPredictor } from "./predict.ts";
import { runFromUserCwd } from "../_fs.ts";

/** The `--help` text. */
export const HELP = `Usage: deno task predict RUN_DIR IMAGE... [--arm NAME] [--index LIST] [--csv]

Classifies images with the model a run saved (model.safetensors, or
model-<arm>.safetensors), rebuilt from the experiment its manifest names.
Images: PNG or PGM of any size and colour (made grey, light on dark, and
area-averaged to the model's input size, then given the run's pixel
transform), or IDX image files as MNIST ships them (.gz or not).

Options:
  --arm NAME     the arm of a multi-arm run
  --index LIST   which images of an IDX file: 0..99, 3,5,8 or a mix (default 0)
  --csv          print image,rank,class,label,probability rows instead
  --help         this text

Exit codes: 0 classified, 2 bad input (a missing or unreadable file, an
unknown arm, a checkpoint that does not fit).`;

/** How many classes are printed per image. */
const TOP = 3;

/** Parses `0..99`, `3,5,8` or a mix into indices. */
function parseIndices(text: string): number[] {
  return text.split(",").flatMap((part) => {
    const m = part.trim().match(/^(\d+)(?:\.\.(\d+))?$/);
    const [from, to] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!(to >= from && to - from < 100_000)) throw new Error(`--index: got '${text}', expected e.g. 0..99 or 3,5,8`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/** The experiment `experiments/<name>.ts` exports. */
export async function experimentNamed(name: string): Promise<Experiment> {
  if (!/^\w+$/.test(name)) throw new Error(`the manifest names experiment '${name}', not a file name`);
  const module = await import(new URL(`../../experiments/${name}.ts`, import.meta.url).href);
  const found = Object.values(module).find((v) => (v as Experiment)?.name === name && "model" in (v as object));
  if (!found) throw new Error(`experiments/${name}.ts exports no experiment named ${name}`);
  return found as Experiment;
}

/**
 * Runs the command line and returns the exit code.
 *
 * @param args `Deno.args`.
 * @param options how to find an experiment by name (tests give the tiny one); default `experiments/<name>.ts`.
 */
export async function predictCli(
  args: string[],
  options: { experiment?: (name: string) => Promise<Experiment> } = {},
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        arm: { type: "string" },
        index: { type: "string" },
        csv: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
    if (values.help) return console.log(HELP), 0;
    const [runDir, ...files] = positionals;
    if (runDir === undefined || files.length === 0) throw new Error("expected a run folder and at least one image");
    const indices = parseIndices(values.index ?? "0");
    const predictor = await loadPredictor(runDir, {
      arm: values.arm,
      experiment: options.experiment ?? experimentNamed,
      warn: (line) => console.error(`warning: ${line}`),
    });
    const [, height, width] = predictor.inputShape as [number, number, number];
    const images = readImageFiles(files, indices);
    const probabilities = classify(predictor, modelInputs(images, { height, width }));
    // Each image's own rows, by position: the same file (or index) twice is two images.
    const tops = images.map(({ name }, n) =>
      [...probabilities[n]!.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)
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
  } catch (error) {
    console.error(`predict: ${(error as Error).message}`);
    return 2;
  }
}

if (import.meta.main) await runFromUserCwd(predictCli);
