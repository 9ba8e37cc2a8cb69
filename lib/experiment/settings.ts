/**
 * An experiment's settings: the defaults its file states, overridden by flags of one table
 * ({@linkcode experimentFlags}), checked before anything runs.
 *
 * @module
 */
import { resolve } from "node:path";
import { type Flag, type FlagType, integer, number, oneOf, orAll, parseFlags, path, UsageError } from "../cli/mod.ts";
import { type BackendName, backendNames } from "../backend/mod.ts";
import { type OptimizerName, OPTIMIZERS } from "../optim/mod.ts";
import type { SampleOrder } from "../train/mod.ts";

/** The backend of a run that names none: the first of `backendNames`, `wasm`. */
export const DEFAULT_BACKEND: BackendName = backendNames[0];

const MAX_SEEDS = 1000;

/** Below this a float32 weight cannot move: `w - lr * dw` rounds back to `w`. */
const TINY_LR = 1e-30;

/** Everything that decides a run's numbers (and so goes into its manifest). */
export interface Settings {
  /** Seed of the run's random generator, an integer from 0 to 2^32 - 1. */
  seed: number;
  /** Passes over the training data. */
  epochs: number;
  /** Learning rate of the optimizer. */
  lr: number;
  /** Samples per step; gradients are averaged over them. */
  batchSize: number;
  /** Which optimizer trains the model. */
  optimizer: OptimizerName;
  /** The optimizer's hyper-parameters (`momentum`, `beta1`, ...); unset ones take the registry's defaults. */
  hyper?: Record<string, number>;
  /** Use only the first N training images (after any validation hold-out); null for all. */
  trainLimit: number | null;
  /** Use only the first N test images; null for all. */
  testLimit: number | null;
  /** Steps per logged row. */
  logEvery: number;
  /** Sample order (see `SampleOrder`). */
  order: SampleOrder;
  /** The kernels the run uses; default {@linkcode DEFAULT_BACKEND}. */
  backend?: BackendName;
  /** Threads each batch is split across (default 1): reproducible, but rounded differently from one thread. */
  threads?: number;
  /** Experiment-specific switches, e.g. Zhou's `full`. */
  flags: Record<string, boolean>;
}

/** How a run is carried out, without changing its numbers; each field is the flag of that name in camelCase. */
export interface RunControls {
  /** Folder holding the dataset's files (from `--data-dir` or the environment). */
  dataDir: string | null;
  /** Whether `dataDir` came from the environment variable. */
  dataDirFromEnv: boolean;
  /** Accept data files whose checksums differ (recorded in the manifest). */
  allowModifiedData: boolean;
  /** Results root; runs go to `<out>/<experiment>/<run id>/`. */
  out: string;
  /** No progress bar or interval lines. */
  quiet: boolean;
  /** Arms to run (multi-arm experiments); empty for all. */
  arms: string[];
  /** Run once per seed, one run folder each (`--seeds 0..4`); null for one run. */
  seeds: number[] | null;
  /** Also write each arm's checkpoint every N epochs; null for only at the end. */
  checkpointEvery: number | null;
  /** A checkpoint to start from instead of the initial weights; null for none. */
  initFrom: string | null;
  /** An interrupted run folder to go on with; null for a new run. */
  resume?: string | null;
  /** The command line as the user would retype it, for the manifest; absent when not run from one. */
  command?: string;
}

export { UsageError };

/** Seeds `0..4` (inclusive range), `1,5,9`, or a mix (`0..2,7`); undefined when not such a list. */
function readSeeds(text: string): number[] | undefined {
  const seeds: number[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = part.match(/^(\d+)\.\.(\d+)$/);
    if (range && +range[2]! >= +range[1]! && +range[2]! - +range[1]! < MAX_SEEDS) {
      for (let seed = +range[1]!; seed <= +range[2]!; seed++) seeds.push(seed);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else return undefined;
  }
  const unique = [...new Set(seeds)];
  return unique.length > MAX_SEEDS || unique.some((seed) => seed > 0xffffffff) ? undefined : unique;
}

/** A `--seeds` list: `0..4`, `1,5,9` or a mix, at most 1000 seeds. */
export const seedList: FlagType<number[]> = {
  allowed: `seeds like 0..4 or 1,5,9 (ranges upwards, at most ${MAX_SEEDS} seeds, each at most 4294967295)`,
  read: readSeeds,
};

/**
 * Parses a seed list as `--seeds` does (a sweep's plan file).
 *
 * @throws {UsageError} naming the value when it is not such a list.
 */
export function parseSeeds(text: string): number[] {
  const seeds = readSeeds(text);
  if (seeds === undefined) throw new UsageError(`--seeds: got '${text}', expected ${seedList.allowed}`);
  return seeds;
}

/** An experiment-specific boolean flag. */
export interface ExtraFlag {
  /** What it does, for `--help`. */
  description: string;
}

/** Every optimizer hyper-parameter, each a flag (`--momentum`, `--beta1`, ...). */
const HYPER_FLAGS = Object.fromEntries(Object.values(OPTIMIZERS).flatMap((spec) => Object.entries(spec.hyper)));

/** What an experiment's flag table is made from. */
export interface ExperimentFlagOptions {
  /** The experiment's defaults, shown in --help. */
  defaults: Settings;
  /** The experiment's own switches. */
  extraFlags?: Record<string, ExtraFlag>;
  /** Its arms, for `--arm`. */
  armNames?: string[];
  /** The dataset's environment variable, for `--data-dir`'s help. */
  envVar?: string;
  /** The default results root. */
  out: string;
}

/** The flag table of an experiment: every runner flag, its optimizers' hyper-parameters, its own switches. */
export function experimentFlags(options: ExperimentFlagOptions): Record<string, Flag> {
  const d = options.defaults, arms = options.armNames ?? [];
  return {
    ...settingFlags(d),
    ...controlFlags(options),
    ...(arms.length > 0 && {
      arm: {
        value: "NAME",
        multiple: true,
        type: { allowed: `one of ${arms.join(", ")}`, read: (t) => armsIn(t, arms) },
        help: `run only these arms (repeat or comma-separate): ${arms.join(", ")}`,
      } satisfies Flag<string[]>,
    }),
    ...Object.fromEntries(Object.entries(options.extraFlags ?? {}).map(([name, f]) => [name, { help: f.description }])),
  };
}

/** The flags that set a setting: the optimizers' hyper-parameters, and the others named as their setting in kebab-case. */
function settingFlags(d: Settings): Record<string, Flag> {
  const limit = (what: string, value: number | null): Flag => ({
    value: "N|all",
    type: orAll(integer(1)),
    default: value,
    help: `use the first N ${what} images`,
  });
  const backends = `${backendNames.join(" | ")}: WebAssembly SIMD (wasm-fma: multiply-adds fused, may differ by ` +
    "machine) or TypeScript kernels";
  const optimizers = Object.entries(OPTIMIZERS).map(([k, o]) => `  ${k.padEnd(14)}${o.description}`);
  return {
    seed: { value: "N", type: integer(0, 0xffffffff), default: d.seed, help: "seed of the run's random generator" },
    epochs: { value: "N", type: integer(1), default: d.epochs, help: "passes over the training data" },
    lr: { value: "X", type: number("a positive number", (x) => x > 0), default: d.lr, help: "learning rate" },
    "batch-size": { value: "N", type: integer(1), default: d.batchSize, help: "samples per step, gradients averaged" },
    optimizer: {
      value: "NAME",
      type: oneOf(Object.keys(OPTIMIZERS)),
      default: d.optimizer,
      help: ["which optimizer trains the model:", ...optimizers].join("\n"),
    },
    ...Object.fromEntries(
      Object.entries(HYPER_FLAGS).map(([key, h]) => [key, {
        value: "X",
        type: key === "epsilon" ? number("> 0", (x) => x > 0) : number("0 <= x < 1", (x) => x >= 0 && x < 1),
        default: d.hyper?.[key] ?? h.default,
        help: h.description,
      }]),
    ),
    "train-limit": limit("training", d.trainLimit),
    "test-limit": limit("test", d.testLimit),
    "log-every": { value: "N", type: integer(1), default: d.logEvery, help: "steps per logged row" },
    backend: { value: "NAME", type: oneOf(backendNames), default: d.backend ?? DEFAULT_BACKEND, help: backends },
    threads: {
      value: "N",
      type: integer(1, 64),
      default: d.threads ?? 1,
      help: "split each batch across N threads; batches of 1 stay on one",
    },
  };
}

/** The flags of {@linkcode RunControls} (but `--arm`): data, output, seeds, checkpoints, resume. */
function controlFlags(options: ExperimentFlagOptions): Record<string, Flag> {
  return {
    "data-dir": {
      value: "DIR",
      type: path,
      defaultText: `$${options.envVar ?? "the dataset's variable"}, then the usual places`,
      help: "folder holding the dataset's files",
    },
    "allow-modified-data": { help: "accept data files whose SHA-256 differs (recorded in the manifest)" },
    out: {
      value: "DIR",
      type: path,
      default: options.out,
      help: "results root (the tasks may write only under results/)",
    },
    quiet: { help: "no progress bar or interval lines" },
    seeds: {
      value: "LIST",
      type: seedList,
      help: `one run per seed, e.g. 0..4 or 1,5,9, at most ${MAX_SEEDS}; not with --seed`,
    },
    "checkpoint-every": {
      value: "N",
      type: integer(1),
      help: "also write model.safetensors every N epochs (default: only at the end of each arm)",
    },
    "init-from": { value: "FILE", type: path, help: "start from the weights of a .safetensors checkpoint" },
    resume: { value: "RUN_DIR", type: path, help: "go on with an interrupted run where it stopped (its settings)" },
  };
}

/** The arms named in a comma list, when every one is an arm. */
function armsIn(text: string, arms: string[]): string[] | undefined {
  const named = text.split(",").map((a) => a.trim()).filter((a) => a);
  return named.length > 0 && named.every((a) => arms.includes(a)) ? named : undefined;
}

const camelCase = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The parsed command line: settings, what the flags set, controls. */
export interface ParsedCommandLine {
  /** The defaults with the flags applied. */
  settings: Settings;
  /** Only what the flags set, so a multi-arm run can apply them over each arm's own settings. */
  overrides: Partial<Settings>;
  /** How to carry the run out (data folder, output root, arms, seeds). */
  controls: RunControls;
  /** Flags that are allowed but probably a mistake, one line each (for stderr). */
  warnings: string[];
}

/**
 * Parses `args` by the experiment's flag table over `options.defaults`; relative paths given (and the environment's
 * data folder) resolve against `options.cwd` (default the working folder).
 *
 * @throws {UsageError} naming the flag, the value and what is allowed.
 */
export function parseCommandLine(
  args: string[],
  options: ExperimentFlagOptions & { env?: { dataDir?: string }; cwd?: string },
): ParsedCommandLine {
  const { values, given } = parseFlags(args, experimentFlags(options));
  const v = values as Record<string, unknown>;
  const overrides: Record<string, unknown> = { flags: { ...options.defaults.flags } };
  const hyper: Record<string, number> = {};
  const settingNames = settingFlags(options.defaults);
  for (const name of given) {
    if (name in HYPER_FLAGS) hyper[name] = v[name] as number;
    else if (name in settingNames) overrides[camelCase(name)] = v[name];
    else if (name in (options.extraFlags ?? {})) (overrides.flags as Record<string, boolean>)[name] = true;
  }
  if (Object.keys(hyper).length > 0) overrides.hyper = hyper;
  checkCombinations(given);
  const cwd = options.cwd ?? ".";
  const controls: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(controlFlags(options))) {
    const value = given.has(name) && flag.type === path ? resolve(cwd, v[name] as string) : v[name];
    controls[camelCase(name)] = flag.value ? value ?? flag.default ?? null : value === true;
  }
  const envDir = given.has("data-dir") ? undefined : options.env?.dataDir;
  if (envDir !== undefined) controls.dataDir = resolve(cwd, envDir);
  controls.dataDirFromEnv = envDir !== undefined;
  controls.arms = ((v.arm ?? []) as string[][]).flat();
  const lr = overrides.lr as number | undefined;
  return {
    settings: { ...options.defaults, ...overrides } as Settings,
    overrides: overrides as Partial<Settings>,
    controls: controls as unknown as RunControls,
    warnings: lr !== undefined && lr < TINY_LR ? [`--lr ${lr}: below ${TINY_LR}, float32 weights will not change`] : [],
  };
}

/** Refuses flags that exclude each other. */
function checkCombinations(given: Set<string>): void {
  if (given.has("seed") && given.has("seeds")) {
    throw new UsageError("--seeds and --seed: give one or the other", { hint: "--seeds 0..4 runs seeds 0 to 4" });
  }
  const clash = ["seeds", "init-from", "arm", "out"].find((flag) => given.has(flag));
  if (given.has("resume") && clash) {
    throw new UsageError(`--resume and --${clash}: a resumed run keeps its folder, arm, seed and initial weights`, {
      hint: `leave out --${clash}`,
    });
  }
}
