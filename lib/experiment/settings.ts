/**
 * An experiment's settings: the defaults its file states, overridden by
 * command-line flags, validated before anything runs.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { SampleOrder } from "../train/mod.ts";

/** The optimizers a run can name. */
export const OPTIMIZERS = ["sgd", "momentum", "adam"] as const;

/** One of {@linkcode OPTIMIZERS}. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

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
  /** Use only the first N training images (after any validation hold-out); null for all. */
  trainLimit: number | null;
  /** Use only the first N test images; null for all. */
  testLimit: number | null;
  /** Steps per logged row. */
  logEvery: number;
  /** Sample order (see `SampleOrder`). */
  order: SampleOrder;
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
      if (to < from || to - from >= 1000) {
        throw new UsageError(`--seeds: got '${text}', a range must run upwards and hold at most 1000 seeds`);
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
  return [...new Set(seeds)];
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

const NUMERIC_FLAGS = {
  seed: {
    key: "seed",
    allowed: "an integer from 0 to 4294967295",
    check: (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff,
  },
  epochs: { key: "epochs", allowed: "a positive integer", check: (v: number) => Number.isInteger(v) && v >= 1 },
  lr: { key: "lr", allowed: "a positive number", check: (v: number) => Number.isFinite(v) && v > 0 },
  "batch-size": {
    key: "batchSize",
    allowed: "a positive integer",
    check: (v: number) => Number.isInteger(v) && v >= 1,
  },
  "log-every": { key: "logEvery", allowed: "a positive integer", check: (v: number) => Number.isInteger(v) && v >= 1 },
  "train-limit": {
    key: "trainLimit",
    allowed: "a positive integer or 'all'",
    check: (v: number) => Number.isInteger(v) && v >= 1,
  },
  "test-limit": {
    key: "testLimit",
    allowed: "a positive integer or 'all'",
    check: (v: number) => Number.isInteger(v) && v >= 1,
  },
} as const;

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
}

/**
 * Parses `args` over `defaults`. Flags: `--seed --epochs --lr --batch-size
 * --optimizer --train-limit --test-limit --log-every --data-dir
 * --allow-modified-data --out --quiet --arm --help`, plus the experiment's
 * own boolean flags.
 *
 * @param args the command-line arguments.
 * @param options the defaults, the experiment's extra flags and arm names, and the default results root.
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
  },
): ParsedCommandLine {
  const extra = Object.keys(options.extraFlags ?? {});
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(NUMERIC_FLAGS).map((name) => [name, { type: "string" as const }])),
        optimizer: { type: "string" },
        "data-dir": { type: "string" },
        "allow-modified-data": { type: "boolean" },
        out: { type: "string" },
        quiet: { type: "boolean" },
        arm: { type: "string", multiple: true },
        seeds: { type: "string" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(extra.map((name) => [name, { type: "boolean" as const }])),
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const overrides: Partial<Settings> = {};
  for (const [flag, spec] of Object.entries(NUMERIC_FLAGS)) {
    const raw = values[flag];
    if (typeof raw !== "string") continue;
    if ((flag === "train-limit" || flag === "test-limit") && raw === "all") {
      (overrides as Record<string, unknown>)[spec.key] = null;
      continue;
    }
    const value = raw.trim() === "" ? NaN : Number(raw);
    if (!spec.check(value)) throw new UsageError(`--${flag}: got '${raw}', expected ${spec.allowed}`);
    (overrides as Record<string, unknown>)[spec.key] = value;
  }
  if (typeof values.optimizer === "string") {
    if (!(OPTIMIZERS as readonly string[]).includes(values.optimizer)) {
      throw new UsageError(`--optimizer: got '${values.optimizer}', expected one of ${OPTIMIZERS.join(", ")}`);
    }
    overrides.optimizer = values.optimizer as OptimizerName;
  }
  const flags = { ...options.defaults.flags };
  for (const name of extra) if (values[name] === true) flags[name] = true;
  overrides.flags = flags;
  const arms = (values.arm as string[] | undefined ?? []).flatMap((a) => a.split(",")).map((a) => a.trim()).filter((
    a,
  ) => a);
  for (const arm of arms) {
    if (!(options.armNames ?? []).includes(arm)) {
      throw new UsageError(
        options.armNames?.length
          ? `--arm: got '${arm}', expected one of ${options.armNames.join(", ")}`
          : `--arm: got '${arm}', but this experiment has a single arm`,
      );
    }
  }
  const flagDir = typeof values["data-dir"] === "string" ? values["data-dir"] : undefined;
  if (flagDir === "") throw new UsageError("--data-dir: got an empty path, expected a folder");
  return {
    settings: { ...options.defaults, ...overrides } as Settings,
    overrides,
    controls: {
      dataDir: flagDir ?? options.env?.dataDir ?? null,
      dataDirFromEnv: flagDir === undefined && options.env?.dataDir !== undefined,
      allowModifiedData: values["allow-modified-data"] === true,
      out: typeof values.out === "string" ? values.out : options.out,
      quiet: values.quiet === true,
      arms,
      seeds: typeof values.seeds === "string" ? parseSeeds(values.seeds) : null,
    },
    help: values.help === true,
  };
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
  const lines = [
    `${options.title}`,
    "",
    `Usage: deno task ${name} [flags]`,
    "",
    `  --seed N              seed of the run's random generator (default ${d.seed})`,
    `  --epochs N            passes over the training data (default ${d.epochs})`,
    `  --lr X                learning rate (default ${d.lr})`,
    `  --batch-size N        samples per step, gradients averaged (default ${d.batchSize})`,
    `  --optimizer NAME      ${OPTIMIZERS.join(" | ")} (default ${d.optimizer})`,
    `  --train-limit N|all   use the first N training images (default ${limit(d.trainLimit)})`,
    `  --test-limit N|all    use the first N test images (default ${limit(d.testLimit)})`,
    `  --log-every N         steps per logged row (default ${d.logEvery})`,
    `  --data-dir DIR        folder holding the dataset's files (default: $${options.envVar}, then the usual places)`,
    "  --allow-modified-data accept data files whose SHA-256 differs (recorded in the manifest)",
    `  --out DIR             results root (default ${options.out}; the deno tasks may write only under results/)`,
    "  --quiet               no progress bar or interval lines",
    "  --seeds LIST          one run per seed, e.g. 0..4 or 1,5,9 (compare them with deno task compare --experiment NAME)",
  ];
  if (options.armNames?.length) {
    lines.push(
      `  --arm NAME            run only these arms (repeat or comma-separate): ${
        options.armNames.join(", ")
      } (default all)`,
    );
  }
  for (const [flag, spec] of Object.entries(options.extraFlags ?? {})) {
    lines.push(`  --${flag.padEnd(20)}${spec.description}`);
  }
  lines.push("  --help                this text");
  return lines.join("\n");
}
