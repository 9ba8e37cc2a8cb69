/**
 * A run folder's layout, the only place its names are spelled:
 *
 * ```
 * results/<experiment>/<stamp>-seed<seed>/
 *   manifest.json  metrics.csv  charts.txt  evaluations.md  confusion.csv
 *   predictions.csv  pictures.json  report.html  charts/*.vl.json
 *   model.safetensors (model-<arm>.safetensors per arm)  draw.html (deno task page)
 * ```
 *
 * @module
 */
import { PROJECT_ROOT } from "../_fs.ts";

/** The results root of this repository: `results/` beside `lib/`. */
export const DEFAULT_RESULTS_ROOT: string = `${PROJECT_ROOT}results`;

/** The files of a run folder, by role. */
export const RUN_FILES = {
  manifest: "manifest.json",
  metrics: "metrics.csv",
  charts: "charts.txt",
  evaluations: "evaluations.md",
  confusion: "confusion.csv",
  predictions: "predictions.csv",
  pictures: "pictures.json",
  report: "report.html",
} as const;

/** A role of {@linkcode RUN_FILES}. */
export type RunFile = keyof typeof RUN_FILES;

/** The path of a run folder's file: `<dir>/<name of role>`. */
export function runFile(dir: string, role: RunFile): string {
  return `${dir}/${RUN_FILES[role]}`;
}

/** The checkpoint file of an arm: `model.safetensors`, `model-<arm>.safetensors` per arm of a multi-arm run. */
export function checkpointName(arm: string): string {
  return arm ? `model-${arm}.safetensors` : "model.safetensors";
}

/** The path of an arm's checkpoint in run folder `dir`. */
export function checkpointPath(dir: string, arm: string): string {
  return `${dir}/${checkpointName(arm)}`;
}

/** A run's short name, `<experiment>/<run id>` (its folder's last two parts), and `, arm <arm>` for an arm. */
export function runTitle(dir: string, arm = ""): string {
  return `${dir.replace(/\/+$/, "").split("/").slice(-2).join("/")}${arm ? `, arm ${arm}` : ""}`;
}

/** The draw-and-classify page `deno task page` writes into a run folder: `draw.html`, `draw-<arm>.html` per arm. */
export function drawPagePath(dir: string, arm: string): string {
  return `${dir}/${arm ? `draw-${arm}` : "draw"}.html`;
}

/** The files a run of these arms writes besides its manifest, by role (checkpoints `model` or `model_<arm>`). */
export function runFileNames(arms: readonly string[]): Record<string, string> {
  const models = arms.map((arm) => [arm ? `model_${arm}` : "model", checkpointName(arm)]);
  const files: Record<string, string> = { ...RUN_FILES, ...Object.fromEntries(models) };
  delete files.manifest;
  return files;
}

/**
 * Creates a new run folder `<root>/<experiment>/<stamp>-seed<seed>`, adding `-2`, `-3`, ... rather than reusing one.
 *
 * @throws {Error} naming the folder when it cannot be created (unwritable results folder).
 */
export async function createRunFolder(
  root: string,
  options: { experiment: string; seed: number; now: Date },
): Promise<{ dir: string; id: string }> {
  const parent = `${root}/${options.experiment}`;
  try {
    await Deno.mkdir(parent, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create the results folder ${parent}: ${(error as Error).message}`);
  }
  const stamp = options.now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
  for (let attempt = 1;; attempt++) {
    const id = `${stamp}-seed${options.seed}${attempt === 1 ? "" : `-${attempt}`}`;
    const dir = `${parent}/${id}`;
    try {
      await Deno.mkdir(dir);
      return { dir, id };
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) continue;
      throw new Error(`cannot create the run folder ${dir}: ${(error as Error).message}`);
    }
  }
}

/** The newest run folder directly inside `dir` (run ids sort by time), or null when there is none. */
export function latestRunIn(dir: string): string | null {
  try {
    const ids = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
    return ids.length ? `${dir}/${ids.at(-1)}` : null;
  } catch {
    return null;
  }
}
