/**
 * An experiment's settings: the defaults its file states, overridden by
 * command-line flags, validated before anything runs.
 *
 * @module
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type BackendName, backendNames } from "../backend/mod.ts";
import { type OptimizerName, OPTIMIZERS } from "../optim/mod.ts";
import type { SampleOrder } from "../train/mod.ts";

/** The backend of a run that names none: the first of `backendNames`, `wasm`. */
export const DEFAULT_BACKEND: BackendName = backendNames[0];

/** The most seeds one `--seeds` list may hold. */
const MAX_SEEDS = 1000;

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
  /**
   * Threads each batch is split across (the main thread and workers); default 1. Batches of one sample
   * always run on one. A split adds the shares' gradients in a fixed order: reproducible, but rounded
   * differently from one thread, so it is a setting.
   */
  threads?: number;
  /** Experiment-specific switches, e.g. Zhou's `full`. */
  flags: Record<string, boolean>;
}

/** Settings of how a run is carried out that do not change its numbers. */
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
  /** Also write each arm's checkpoint every N epochs (`--checkpoint-every N`); null for only at the end. */
  checkpointEvery: number | null;
  /** A checkpoint to start from instead of the initial weights (`--init-from FILE`); null for none. */
  initFrom: string | null;
  /** An interrupted run folder to go on with (`--resume RUN_DIR`); null for a new run. */
  resume?: string | null;
}

/**
 * Parses a seed list: `0..4` (inclusive range), `1,5,9`, or a mix (`0..2,7`).
 *
 * @throws {UsageError} naming the value when it is not such a list.
 */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = part.match(/^(\d+)\.\.(\d+)$/);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from >= MAX_SEEDS) {
        throw new UsageError(`--seeds: got '${text}', a range must run upwards and hold at most ${MAX_SEEDS} seeds`);
      }
      for (let seed = from; seed <= to; seed++) seeds.push(seed);
    } else if (/^\d+$/.test(part)) {
      seeds.push(Number(part));
    } else {
      throw new UsageError(`--seeds: got '${text}', expected seeds like 0..4 or 1,5,9`);
    }
  }
  if (seeds.some((seed) => seed > 0xffffffff)) {
    throw new UsageError(`--seeds: got '${text}', seeds must be at most 4294967295`);
  }
  const unique = [...new Set(seeds)];
  if (unique.length > MAX_SEEDS) {
    throw new UsageError(`--seeds: got '${text}', ${unique.length} seeds; at most ${MAX_SEEDS} in all`);
  }
  return unique;
}

/** An experiment-specific boolean flag. */
export interface ExtraFlag {
  /** What it does, for `--help`. */
  description: string;
}

/** A bad command line: the message names the flag, the value and what is allowed. */
export class UsageError extends Error {
  /** Takes the message shown to the user. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Plain decimal digits: `0x10`, `1e3` and `+5` are refused, though `Number()` reads them. */
const DIGITS = /^\d+$/;
const positiveInteger = (raw: string) => DIGITS.test(raw) && Number(raw) >= 1;

const NUMERIC_FLAGS: Record<string, { key: keyof Settings; allowed: string; check: (raw: string) => boolean }> = {
  seed: {
    key: "seed",
    allowed: "a plain decimal integer from 0 to 4294967295",
    check: (raw) => DIGITS.test(raw) && Number(raw) <= 0xffffffff,
  },
  epochs: { key: "epochs", allowed: "a positive integer", check: positiveInteger },
  lr: { key: "lr", allowed: "a positive number", check: (raw) => Number(raw) > 0 && Number(raw) < Infinity },
  "batch-size": { key: "batchSize", allowed: "a positive integer", check: positiveInteger },
  "log-every": { key: "logEvery", allowed: "a positive integer", check: positiveInteger },
  "train-limit": { key: "trainLimit", allowed: "a positive integer or 'all'", check: positiveInteger },
  "test-limit": { key: "testLimit", allowed: "a positive integer or 'all'", check: positiveInteger },
  threads: { key: "threads", allowed: "an integer from 1 to 64", check: (raw) => positiveInteger(raw) && +raw <= 64 },
};

/** Every optimizer hyper-parameter, each a flag (`--momentum`, `--beta1`, ...). */
const HYPER_FLAGS = Object.fromEntries(Object.values(OPTIMIZERS).flatMap((spec) => Object.entries(spec.hyper)));

/** Below this a float32 weight cannot move: `w - lr * dw` rounds back to `w`. */
const TINY_LR = 1e-30;

/** The parsed command line: settings, controls, or a request for help. */
export interface ParsedCommandLine {
  /** The defaults with the flags applied. */
  settings: Settings;
  /** Only what the flags set, so a multi-arm run can apply them over each arm's own settings. */
  overrides: Partial<Settings>;
  /** How to carry the run out (data folder, output root, arms, seeds). */
  controls: RunControls;
  /** Whether `--help` (or `-h`) was given. */
  help: boolean;
  /** Flags that are allowed but probably a mistake, one line each (for stderr). */
  warnings: string[];
}

/**
 * Parses `args` over `defaults`. Flags: `--seed --epochs --lr --batch-size
 * --optimizer --momentum --beta1 --beta2 --epsilon --train-limit --test-limit
 * --log-every --backend --data-dir --allow-modified-data --out --quiet --arm --seeds
 * --checkpoint-every --init-from --resume --help`, plus the experiment's own boolean flags. Relative `--data-dir`
 * and `--out` folders resolve against `options.cwd`.
 *
 * @param args the command-line arguments.
 * @param options the defaults, extra flags, arm names, default results root, environment and working folder.
 * @throws {UsageError} naming the flag, the value and what is allowed.
 */
export function parseCommandLine(
  args: string[],
  options: {
    defaults: Settings;
    extraFlags?: Record<string, ExtraFlag>;
    armNames?: string[];
    out: string;
    env?: { dataDir?: string };
    cwd?: string;
  },
): ParsedCommandLine {
  const extra = Object.keys(options.extraFlags ?? {});
  const strings = [
    ...Object.keys(NUMERIC_FLAGS),
    ...Object.keys(HYPER_FLAGS),
    "optimizer",
    "backend",
    "data-dir",
    "out",
    "seeds",
    "checkpoint-every",
    "init-from",
    "resume",
  ];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(strings.map((name) => [name, { type: "string" as const }])),
        ...Object.fromEntries(
          ["allow-modified-data", "quiet", ...extra].map((name) => [name, { type: "boolean" as const }]),
        ),
        arm: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const overrides = parseSettingFlags(values, options.defaults);
  for (const name of extra) if (values[name] === true) overrides.flags![name] = true;
  if (values.seed !== undefined && values.seeds !== undefined) {
    throw new UsageError("--seeds and --seed: give one or the other (--seeds 0..4 runs seeds 0 to 4)");
  }
  const at = (path: string) => resolve(options.cwd ?? ".", path);
  const flagDir = values["data-dir"] as string | undefined;
  if (flagDir === "") throw new UsageError("--data-dir: got an empty path, expected a folder");
  const envDir = flagDir === undefined ? options.env?.dataDir : undefined;
  const every = values["checkpoint-every"] as string | undefined;
  if (every !== undefined && !positiveInteger(every)) {
    throw new UsageError(`--checkpoint-every: got '${every}', expected a positive integer (epochs)`);
  }
  const initFrom = values["init-from"] as string | undefined;
  if (initFrom === "") throw new UsageError("--init-from: got an empty path, expected a .safetensors file");
  const resume = values.resume as string | undefined;
  if (resume === "") throw new UsageError("--resume: got an empty path, expected a run folder");
  const clash = ["seeds", "init-from", "arm", "out"].find((flag) => values[flag] !== undefined);
  if (resume !== undefined && clash) {
    throw new UsageError(`--resume and --${clash}: a resumed run keeps its folder, arm, seed and initial weights`);
  }
  const warnings = typeof overrides.lr === "number" && overrides.lr < TINY_LR
    ? [`--lr ${overrides.lr}: below ${TINY_LR}, float32 weights will not change`]
    : [];
  return {
    settings: { ...options.defaults, ...overrides } as Settings,
    overrides,
    controls: {
      dataDir: flagDir ?? envDir ? at((flagDir ?? envDir)!) : null,
      dataDirFromEnv: envDir !== undefined,
      allowModifiedData: values["allow-modified-data"] === true,
      out: typeof values.out === "string" ? at(values.out) : options.out,
      quiet: values.quiet === true,
      arms: parseArms(values.arm as string[] | undefined, options.armNames ?? []),
      seeds: typeof values.seeds === "string" ? parseSeeds(values.seeds) : null,
      checkpointEvery: every === undefined ? null : Number(every),
      initFrom: initFrom === undefined ? null : at(initFrom),
      resume: resume === undefined ? null : at(resume),
    },
    help: values.help === true,
    warnings,
  };
}

/** The numeric flags, `--optimizer`, `--backend` and the hyper-parameter flags, as settings. */
function parseSettingFlags(values: Record<string, unknown>, defaults: Settings): Partial<Settings> {
  const overrides: Record<string, unknown> = { flags: { ...defaults.flags } };
  for (const [flag, spec] of Object.entries(NUMERIC_FLAGS)) {
    const raw = values[flag];
    if (typeof raw !== "string") continue;
    if (flag.endsWith("-limit") && raw === "all") overrides[spec.key] = null;
    else if (spec.check(raw.trim())) overrides[spec.key] = Number(raw);
    else throw new UsageError(`--${flag}: got '${raw}', expected ${spec.allowed}`);
  }
  const choices: [string, readonly string[]][] = [["optimizer", Object.keys(OPTIMIZERS)], ["backend", backendNames]];
  for (const [flag, allowed] of choices) {
    const value = values[flag];
    if (typeof value !== "string") continue;
    if (!allowed.includes(value)) {
      throw new UsageError(`--${flag}: got '${value}', expected one of ${allowed.join(", ")}`);
    }
    overrides[flag] = value;
  }
  const hyper: Record<string, number> = {};
  for (const name of Object.keys(HYPER_FLAGS)) {
    const raw = values[name];
    if (typeof raw !== "string") continue;
    const value = raw.trim() === "" ? NaN : Number(raw);
    const ok = name === "epsilon" ? value > 0 && value < Infinity : value >= 0 && value < 1;
    if (!ok) throw new UsageError(`--${name}: got '${raw}', expected ${name === "epsilon" ? "> 0" : "0 <= x < 1"}`);
    hyper[name] = value;
  }
  if (Object.keys(hyper).length > 0) overrides.hyper = hyper;
  return overrides as Partial<Settings>;
}

/** `--arm` values, repeated or comma-separated, each one of `armNames`. */
function parseArms(given: string[] | undefined, armNames: string[]): string[] {
  if (given === undefined) return [];
  const arms = given.flatMap((a) => a.split(",")).map((a) => a.trim()).filter((a) => a);
  const expected = armNames.length ? `expected one of ${armNames.join(", ")}` : "but this experiment has a single arm";
  if (arms.length === 0) throw new UsageError(`--arm: got '${given.join(" ")}', ${expected}`);
  for (const arm of arms) if (!armNames.includes(arm)) throw new UsageError(`--arm: got '${arm}', ${expected}`);
  return arms;
}

/**
 * The `--help` text: every flag with its default.
 *
 * @param name the task, e.g. `exp:fashion`.
 * @param options the title, the defaults, extra flags, arms, the data environment variable.
 */
export function helpText(
  name: string,
  options: {
    title: string;
    defaults: Settings;
    extraFlags?: Record<string, ExtraFlag>;
    armNames?: string[];
    envVar: string;
    out: string;
  },
): string {
  const d = options.defaults;
  const limit = (v: number | null) => (v === null ? "all" : String(v));
  const backends =
    `${backendNames.join(" | ")}: WebAssembly SIMD (wasm-fma: multiply-adds fused, may differ by machine)` +
    " or TypeScript kernels";
  const lines = [
    `${options.title}`,
    "",
    `Usage: deno task ${name} [flags]`,
    "",
    `  --seed N              seed of the run's random generator, plain decimal (default ${d.seed})`,
    `  --epochs N            passes over the training data (default ${d.epochs})`,
    `  --lr X                learning rate (default ${d.lr})`,
    `  --batch-size N        samples per step, gradients averaged (default ${d.batchSize})`,
    `  --optimizer NAME      one of these (default ${d.optimizer}):`,
    ...Object.entries(OPTIMIZERS).map(([key, spec]) => `      ${key.padEnd(16)}${spec.description}`),
    ...Object.entries(HYPER_FLAGS).map(([key, h]) =>
      `  --${key} X`.padEnd(24) + `${h.description} (default ${d.hyper?.[key] ?? h.default})`
    ),
    `  --train-limit N|all   use the first N training images (default ${limit(d.trainLimit)})`,
    `  --test-limit N|all    use the first N test images (default ${limit(d.testLimit)})`,
    `  --log-every N         steps per logged row (default ${d.logEvery})`,
    `  --backend NAME        ${backends} (default ${d.backend ?? DEFAULT_BACKEND})`,
    `  --threads N           split each batch across N threads; batches of 1 stay on one (default ${d.threads ?? 1})`,
    `  --data-dir DIR        folder holding the dataset's files (default: $${options.envVar}, then the usual places)`,
    "  --allow-modified-data accept data files whose SHA-256 differs (recorded in the manifest)",
    `  --out DIR             results root (default ${options.out}; the deno tasks may write only under results/)`,
    "  --quiet               no progress bar or interval lines",
    `  --seeds LIST          one run per seed, e.g. 0..4 or 1,5,9, at most ${MAX_SEEDS}; not with --seed`,
    "  --checkpoint-every N  also write model.safetensors every N epochs (default: only at the end of each arm)",
    "  --init-from FILE      start from the weights of a .safetensors checkpoint, not the initial draw",
    "  --resume RUN_DIR      go on with an interrupted run where it stopped, appending to its files (its settings)",
  ];
  if (options.armNames?.length) {
    lines.push(
      `  --arm NAME            run only these arms (repeat or comma-separate): ${options.armNames.join(", ")}`,
    );
  }
  for (const [flag, spec] of Object.entries(options.extraFlags ?? {})) {
    lines.push(`  --${flag.padEnd(20)}${spec.description}`);
  }
  lines.push("  --help                this text");
  return lines.join("\n");
}
