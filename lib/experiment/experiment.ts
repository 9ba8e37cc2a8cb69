/**
 * What an experiment file declares: its source, data, model, loss and default settings. The runner does the rest.
 *
 * @module
 */
import type { DatasetName, ImageSet, LoadedDataset, PixelTransform } from "../data/mod.ts";
import type { Layer, Sequential } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { ReportedResult } from "../run/mod.ts";
import type { Rng } from "../rng/mod.ts";
import type { DType, Param } from "../tensor/mod.ts";
import type { IntervalLog, Replica } from "../train/mod.ts";
import type { ExtraFlag, Settings } from "./settings.ts";

/** The data a run trains and evaluates on. */
export interface PreparedData {
  /** The training images. */
  train: ImageSet;
  /** Evaluated after every epoch, in order; the last one is the headline. */
  evaluations: { split: "validation" | "test"; set: ImageSet }[];
  /** Turns pixel bytes into floats, per batch, for training and evaluation alike. */
  transform: PixelTransform;
}

/** One arm of a multi-arm experiment: a name and what it changes. */
export interface Arm {
  /** As written in the metrics' `arm` column, e.g. `conv_frozen`. */
  name: string;
  /** One line for the manifest and `--help`. */
  description: string;
  /** Settings this arm uses instead of the experiment's defaults (flags still win). */
  overrides?: Partial<Omit<Settings, "flags" | "seed">>;
}

/** What the model builder is given. */
export interface ModelContext {
  /** Draws the initial weights; the same for every arm, so arms start equal. */
  rng: Rng;
  /** float32 to train, float64 for gradient checks. */
  dtype: DType;
  /** The arm being built ("" for single-arm experiments). */
  arm: string;
  /** The run's settings (for experiment flags). */
  settings: Settings;
}

/** What an experiment's `afterArm` hook is given. */
export interface ArmOutcome {
  /** The arm's name ("" for single-arm experiments). */
  arm: string;
  /** The arm's model, after training. */
  model: Layer;
  /** Copies of each parameter's values before training, by name. */
  initial: Map<string, Param["value"]>;
  /** The data the arm trained and evaluated on. */
  data: PreparedData;
  /** The run folder, to write extra files into. */
  runDir: string;
  /** Prints a line (respects --quiet). */
  log: (line: string) => void;
}

/** An experiment: everything that differs between the write-ups. */
export interface Experiment {
  /** The task suffix and results folder, e.g. `fashion`. */
  name: string;
  /** One line: what it reproduces. */
  title: string;
  /** The write-up's address or citation. */
  source: string;
  /** The figures `source` states, structured, for the report's reference lines. */
  reported?: ReportedResult[];
  /** The dataset the runner loads, e.g. `fashion-mnist`. */
  dataset: DatasetName;
  /** Settings that reproduce the write-up. */
  defaults: Settings;
  /** Experiment-specific boolean flags (their values land in `settings.flags`). */
  extraFlags?: Record<string, ExtraFlag>;
  /** Arms, run one after another in one run; default a single unnamed arm. */
  arms?: Arm[];
  /** Derives settings from the experiment's own flags (Zhou's `--full` lifts the limits). */
  deriveSettings?(settings: Settings): Settings;
  /** Selects and transforms the loaded dataset. */
  prepare(dataset: LoadedDataset, settings: Settings): PreparedData;
  /** Builds the model; every draw from `context.rng`. */
  model(context: ModelContext): Sequential;
  /** The loss trained on and reported. */
  loss: LossFunction;
  /** Its file's `import.meta.url` and export's name, so training workers can rebuild its model (`threads > 1`). */
  replica?: Omit<Replica, "context">;
  /** Formats a training interval for the console (default: a compact line). */
  formatInterval?(log: IntervalLog, arm: string): string;
  /** Writes extra outputs after an arm trains (the ablation's filters and images). */
  afterArm?(outcome: ArmOutcome): Promise<void>;
}
