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
  seed: number;
  epochs: number;
  lr: number;
  batchSize: number;
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
}

/** An experiment-specific boolean flag. */
export interface ExtraFlag {
  /** What it does, for `--help`. */
  description: string;
}

/** A bad command line: the message names the flag, the value and what is allowed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const NUMERIC_FLAGS = {
  seed: { key: "seed", allowed: "an integer from 0 to 4294967295", check: (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff },
  epochs: { key: "epochs", allowed: "a positive integer", check: (v: number) => Number.isInteger(v) && v >= 1 },
  lr: { key: "lr", allowed: "a positive number", check: (v: number) => Number.isFinite(v) && v > 0 },
  "batch-size": { key: "batchSize", allowed: "a positive integer", check: (v: number) => Number.isInteger(v) && v >= 1 },
  "log-every": { key: "logEvery", allowed: "a positive integer", check: (v: number) => Number.isInteger(v) && v >= 1 },
  "train-limit": { key: "trainLimit", allowed: "a positive integer or 'all'", check: (v: number) => Number.isInteger(v) && v >= 1 },
  "test-limit": { key: "testLimit", allowed: "a positive integer or 'all'", check: (v: number) => Number.isInteger(v) && v >= 1 },
} as const;

/** The parsed command line: settings, controls, or a request for help. */
export interface ParsedCommandLine {
  /** The defaults with the flags applied. */
  settings: Settings;
  /** Only what the flags set, so a multi-arm run can apply them over each arm's own settings. */
  overrides: Partial<Settings>;
  controls: RunControls;
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
  options: { defaults: Settings; extraFlags?: Record<string, ExtraFlag>; armNames?: string[]; out: string; env?: { dataDir?: string } },
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
  const arms = (values.arm as string[] | undefined ?? []).flatMap((a) => a.split(",")).map((a) => a.trim()).filter((a) => a);
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
  options: { title: string; defaults: Settings; extraFlags?: Record<string, ExtraFlag>; armNames?: string[]; envVar: string; out: string },
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
    `  --out DIR             results root (default ${options.out})`,
    "  --quiet               no progress bar or interval lines",
  ];
  if (options.armNames?.length) lines.push(`  --arm NAME            run only these arms (repeat or comma-separate): ${options.armNames.join(", ")} (default all)`);
  for (const [flag, spec] of Object.entries(options.extraFlags ?? {})) lines.push(`  --${flag.padEnd(20)}${spec.description}`);
  lines.push("  --help                this text");
  return lines.join("\n");
}
