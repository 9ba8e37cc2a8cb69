/**
 * The experiments: one per file of the experiments folder, found by importing the files (lib/ names no experiment),
 * by the runner, sweep, predict, page and serve alike.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { nearest, UsageError } from "../cli/mod.ts";
import type { Experiment } from "./experiment.ts";

/** The repository's experiments folder, `experiments/` beside `lib/`. */
export const EXPERIMENTS_DIR: string = new URL("../../experiments", import.meta.url).pathname;

/** Whether `value` is an experiment declaration. */
export function isExperiment(value: unknown): value is Experiment {
  const e = value as Experiment;
  return typeof e?.name === "string" && typeof e.defaults === "object" && typeof e.model === "function" &&
    typeof e.prepare === "function";
}

/**
 * The experiment a file exports (the one whose name is the file's name when it exports several).
 *
 * @throws {UsageError} when the file cannot be imported or exports no experiment.
 */
export async function experimentFromFile(file: string): Promise<Experiment> {
  const name = basename(file, ".ts");
  let module: Record<string, unknown>;
  try {
    module = await import(new URL(`file://${resolve(file)}`).href);
  } catch (error) {
    throw new UsageError(`cannot load ${file}: ${(error as Error).message.split("\n")[0]}`, {
      hint: "an experiment file exports one Experiment; see docs/write_your_own_experiment.md",
    });
  }
  const found = Object.values(module).filter(isExperiment);
  const experiment = found.find((e) => e.name === name) ?? (found.length === 1 ? found[0] : undefined);
  if (!experiment) {
    throw new UsageError(`${file} exports no experiment`, {
      hint: `export one: export const ${name}: Experiment = { name: "${name}", ... }`,
    });
  }
  return experiment;
}

/** The names of the experiment files in `dir`: `NAME.ts`, tests left out. */
export function experimentNames(dir: string = EXPERIMENTS_DIR): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => /^[a-z][a-z0-9_]*\.ts$/.test(n) && !n.endsWith("_test.ts")).map((n) => n.slice(0, -3)).sort();
}

/**
 * The experiment called `name` (as in a manifest or `deno task exp NAME`), exported by `<dir>/<name>.ts`.
 *
 * @throws {UsageError} for an unknown name (with the nearest known one), or a file with no such experiment.
 */
export async function findExperiment(name: string, dir: string = EXPERIMENTS_DIR): Promise<Experiment> {
  const known = experimentNames(dir);
  if (!known.includes(name)) {
    const near = nearest(name, known);
    throw new UsageError(`unknown experiment '${name}'`, {
      hint: `${near ? `did you mean ${near}? ` : ""}known: ${known.join(", ")}; a new one goes in ${dir}/${name}.ts`,
    });
  }
  const experiment = await experimentFromFile(`${dir}/${name}.ts`);
  if (experiment.name !== name) {
    throw new UsageError(`${dir}/${name}.ts exports experiment '${experiment.name}', not '${name}'`, {
      hint: "name the file after the experiment",
    });
  }
  return experiment;
}

/** Every experiment of `dir`, by name; files that export none (a benchmark script) are left out. */
export async function listExperiments(dir: string = EXPERIMENTS_DIR): Promise<Experiment[]> {
  const found = await Promise.all(experimentNames(dir).map((name) => findExperiment(name, dir).catch(() => null)));
  return found.filter((e) => e !== null);
}
