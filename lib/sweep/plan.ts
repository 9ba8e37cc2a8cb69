/**
 * A sweep's plan: experiments x a grid of flag values x seeds, expanded into runs, each with a stable key, every
 * run's flags checked by its experiment's own parser before anything starts.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { PROJECT_ROOT } from "../_fs.ts";
import { type Experiment, findExperiment, parseCommandLine, parseSeeds, UsageError } from "../experiment/mod.ts";

/** The most runs a plan may hold without `--yes`. */
export const MAX_RUNS = 200;

/** What a sweep asks for, as flags or a plan file give it: flag names without dashes, `set` for every run. */
export interface SweepSpec {
  experiments: string[];
  grid: Record<string, string[]>;
  set: Record<string, string>;
  seeds: number[];
}

/** One run of a plan: its place (a Slurm array index), its key, and its flags (grid point's and fixed ones). */
export interface PlannedRun {
  index: number;
  /** `<experiment>-<12 hex digits>`, from experiment, settings and seed. */
  key: string;
  experiment: string;
  settings: Record<string, string>;
  seed: number;
}

/** A plan as `plan.json` holds it; `experimentsDir` is relative to the repository root. */
export interface Plan {
  name: string;
  experimentsDir: string;
  spec: SweepSpec;
  runs: PlannedRun[];
}

/** Flags the sweep sets itself. */
const RESERVED = ["out", "seed", "seeds", "quiet", "help"];
/** Flags holding paths, made absolute so that any process (a Slurm node) reads the same. */
const PATH_FLAGS = ["data-dir", "init-from"];

/** `["name=v1,v2", ...]` as flag name to values; paths absolute against `cwd`. */
export function parseAssignments(items: string[], cwd: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of items) {
    const match = item.match(/^([a-z][a-z0-9-]*)=(.*)$/);
    if (!match) throw new UsageError(`expected NAME=VALUE[,VALUE...], got '${item}'`);
    const [, name, text] = match as unknown as [string, string, string];
    const values = text.split(",").map((v) => v.trim()).filter((v) => v !== "");
    if (values.length === 0) throw new UsageError(`${name}: no values in '${item}' (an empty grid)`);
    out[name] = values.map((v) => PATH_FLAGS.includes(name) && !isAbsolute(v) ? resolve(cwd, v) : v);
  }
  return out;
}

/**
 * The key of a run: experiment, sorted settings and seed, hashed; and the experiments' folder when it is not
 * `experiments` (the keys of such plans are as they always were).
 */
export async function runKey(
  run: Omit<PlannedRun, "index" | "key">,
  experimentsDir = "experiments",
): Promise<string> {
  const settings = Object.entries(run.settings).sort(([a], [b]) => a < b ? -1 : 1);
  const fields = [run.experiment, settings, run.seed, ...experimentsDir === "experiments" ? [] : [experimentsDir]];
  const text = JSON.stringify(fields);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `${run.experiment}-${[...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The experiment's flags for `settings` (a value `true` is a bare boolean flag, `false` leaves it out). */
export function flagsOf(settings: Record<string, string>): string[] {
  return Object.entries(settings).flatMap(([name, value]) =>
    value === "true" ? [`--${name}`] : value === "false" ? [] : [`--${name}=${value}`]
  );
}

/**
 * Expands `spec` into runs (experiment-major, then grid points, then seeds) and checks each run's flags with its
 * experiment's parser.
 *
 * @param options `experimentsDir` (default `experiments`), `yes` to allow more than {@linkcode MAX_RUNS}.
 * @throws {UsageError} for an unknown experiment or flag, a bad value, an empty grid or too many runs.
 */
export async function expandPlan(
  spec: SweepSpec,
  options: { experimentsDir?: string; yes?: boolean } = {},
): Promise<PlannedRun[]> {
  const names = [...Object.keys(spec.grid), ...Object.keys(spec.set)];
  const reserved = names.find((n) => RESERVED.includes(n));
  if (reserved) throw new UsageError(`--${reserved} is set by the sweep itself; leave it out`);
  if (spec.experiments.length === 0) throw new UsageError("give at least one --experiment");
  if (spec.seeds.length === 0) throw new UsageError("no seeds");
  if (Object.values(spec.grid).some((values) => values.length === 0)) throw new UsageError("an empty grid");
  const points = Object.entries(spec.grid).reduce<Record<string, string>[]>(
    (acc, [name, values]) => acc.flatMap((point) => values.map((v) => ({ ...point, [name]: v }))),
    [{}],
  );
  const total = spec.experiments.length * points.length * spec.seeds.length;
  if (total > MAX_RUNS && !options.yes) {
    throw new UsageError(`${total} runs is more than ${MAX_RUNS}; add --yes to plan them anyway`);
  }
  const runs: PlannedRun[] = [];
  for (const experiment of spec.experiments) {
    const declared = await findExperiment(experiment, resolve(PROJECT_ROOT, options.experimentsDir ?? "experiments"));
    for (const point of points) {
      for (const seed of spec.seeds) {
        const settings = { ...spec.set, ...point };
        checkFlags(declared, [...flagsOf(settings), "--seed", String(seed)]);
        runs.push({
          index: runs.length,
          key: await runKey({ experiment, settings, seed }, options.experimentsDir),
          experiment,
          settings,
          seed,
        });
      }
    }
  }
  return runs;
}

/** Runs the experiment's own parser over `args`, naming the experiment in its error. */
function checkFlags(experiment: Experiment, args: string[]): void {
  try {
    parseCommandLine(args, {
      defaults: experiment.defaults,
      extraFlags: experiment.extraFlags,
      armNames: experiment.arms?.map((a) => a.name),
      out: "/",
    });
  } catch (error) {
    throw new UsageError(`${experiment.name}: ${(error as Error).message}`, { hint: (error as UsageError).hint });
  }
}

/**
 * Reads a plan file: `{"experiments": [...], "grid": {"lr": [0.005, 0.01]}, "set": {...}, "seeds": "0..4"}`.
 *
 * @throws {UsageError} when it does not parse or has the wrong shape.
 */
export function readSpecFile(path: string, cwd: string): SweepSpec {
  let raw;
  try {
    raw = JSON.parse(Deno.readTextFileSync(resolve(cwd, path)));
  } catch (error) {
    throw new UsageError(`--plan ${path}: ${(error as Error).message}`);
  }
  const experiments = raw?.experiments ?? (raw?.experiment === undefined ? undefined : [raw.experiment]);
  const isList = (v: unknown) => Array.isArray(v) && v.every((x) => ["string", "number", "boolean"].includes(typeof x));
  const gridOk = typeof (raw?.grid ?? {}) === "object" && Object.values(raw?.grid ?? {}).every(isList);
  if (!isList(experiments) || !gridOk || typeof (raw?.set ?? {}) !== "object") {
    throw new UsageError(
      `--plan ${path}: expected {"experiments": [...], "grid": {NAME: [values]}, "set": {NAME: value}, "seeds": "0..4"}`,
    );
  }
  const items = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}=${[v].flat().join(",")}`);
  return {
    experiments: experiments.map(String),
    grid: parseAssignments(items(raw.grid ?? {}), cwd),
    set: Object.fromEntries(Object.entries(parseAssignments(items(raw.set ?? {}), cwd)).map(([k, v]) => [k, v[0]!])),
    seeds: parseSeeds(Array.isArray(raw.seeds) ? raw.seeds.join(",") : String(raw.seeds ?? "0")),
  };
}

/**
 * Reads `plan.json` from a sweep folder and checks every run's key against its fields.
 *
 * @throws {UsageError} when it is missing, does not parse, or was edited (a key mismatch).
 */
export async function readPlan(dir: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await Deno.readTextFile(`${dir}/plan.json`));
    if (!Array.isArray(plan.runs)) throw new Error("no runs list");
  } catch (error) {
    throw new UsageError(`${dir}/plan.json: ${(error as Error).message}`);
  }
  if (typeof plan.experimentsDir !== "string" || plan.experimentsDir === "") {
    throw new UsageError(`${dir}/plan.json: "experimentsDir" is not a folder name; make a new plan`);
  }
  for (const [i, run] of plan.runs.entries()) {
    if (!isPlannedRun(run)) {
      throw new UsageError(`${dir}/plan.json: run ${i} is not a planned run (${JSON.stringify(run)}); make a new plan`);
    }
    if (run.index !== i || run.key !== await runKey(run, plan.experimentsDir)) {
      throw new UsageError(
        `${dir}/plan.json: run ${i} (key ${run.key}) was edited after planning (key mismatch); make a new plan`,
      );
    }
  }
  return plan;
}

/** Whether `run` has a planned run's fields, of their types. */
function isPlannedRun(run: unknown): run is PlannedRun {
  const r = run as PlannedRun | null;
  return typeof r === "object" && r !== null && Number.isSafeInteger(r.index) && typeof r.key === "string" &&
    typeof r.experiment === "string" && Number.isSafeInteger(r.seed) && typeof r.settings === "object" &&
    r.settings !== null && Object.values(r.settings).every((v) => typeof v === "string");
}
