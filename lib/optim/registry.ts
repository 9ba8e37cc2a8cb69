/**
 * Every optimizer a run can name, with its hyper-parameters and their
 * defaults: the one list that command-line flags, `--help`, the manifest and
 * `createOptimizer` read.
 *
 * @module
 */
import type { Backend } from "../backend/mod.ts";
import type { Param } from "../tensor/mod.ts";
import { Adam } from "./adam.ts";
import { Momentum } from "./momentum.ts";
import type { Optimizer } from "./optimizer.ts";
import { Sgd } from "./sgd.ts";

/** A hyper-parameter besides the learning rate. */
export interface HyperParameter {
  /** The value used when none is given. */
  default: number;
  /** What it is, for `--help`. */
  description: string;
}

/** What an optimizer may take from the run beyond its hyper-parameters. */
export interface OptimizerContext {
  /** The run's backend, which runs SGD's update. */
  backend?: Backend;
  /** Whether SGD applies its update inside backward (default true); a batch split across threads cannot. */
  fused?: boolean;
}

/** One optimizer: what it is, its hyper-parameters, and how to build it. */
export interface OptimizerSpec {
  /** One line for `--help`. */
  description: string;
  /** Hyper-parameters by name (also the flag names, e.g. `--beta1`); all lie in [0, 1) except `epsilon` > 0. */
  hyper: Record<string, HyperParameter>;
  /**
   * Builds it over `params`; `options` holds `lr` and every hyper-parameter;
   * `context` the run's backend and whether SGD may fuse its update into backward (only SGD uses them).
   */
  create(params: Param[], options: Record<string, number>, context?: OptimizerContext): Optimizer;
}

/** The optimizers by name, as `--optimizer` takes them. */
export const OPTIMIZERS = {
  sgd: {
    description: "w -= lr * dw",
    hyper: {},
    create: (params, o, context = {}) =>
      new Sgd(params, { lr: o.lr!, backend: context.backend, fused: context.fused ?? true }),
  },
  momentum: {
    description: "heavy-ball momentum, as Keras' SGD(momentum)",
    hyper: { momentum: { default: 0.9, description: "momentum's decay of the velocity" } },
    create: (params, o) => new Momentum(params, { lr: o.lr!, momentum: o.momentum }),
  },
  adam: {
    description: "Adam, Keras' formula",
    hyper: {
      beta1: { default: 0.9, description: "Adam's decay of the mean gradient" },
      beta2: { default: 0.999, description: "Adam's decay of the mean squared gradient" },
      epsilon: { default: 1e-7, description: "added to Adam's denominator (PyTorch uses 1e-8)" },
    },
    create: (params, o) => new Adam(params, { lr: o.lr, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon }),
  },
} as const satisfies Record<string, OptimizerSpec>;

/** A key of {@linkcode OPTIMIZERS}. */
export type OptimizerName = keyof typeof OPTIMIZERS;

/**
 * The hyper-parameters `name` uses: `given` where set, else the defaults.
 *
 * @example
 * ```ts
 * import { hyperParameters } from "./registry.ts";
 * hyperParameters("momentum", {}); // { momentum: 0.9 }
 * ```
 */
export function hyperParameters(name: OptimizerName, given: Record<string, number>): Record<string, number> {
  const spec: OptimizerSpec = OPTIMIZERS[name];
  return Object.fromEntries(Object.entries(spec.hyper).map(([key, h]) => [key, given[key] ?? h.default]));
}

/**
 * Builds the optimizer a run's settings name, over `params`.
 *
 * @param params the model's parameters (frozen ones are left alone).
 * @param settings the optimizer's name, the learning rate, and any hyper-parameters (defaults fill the rest).
 * @param options `backend`: the one the model runs on (see `Sequential.useBackend`); SGD updates through it.
 */
export function createOptimizer(
  params: Param[],
  settings: { optimizer: OptimizerName; lr: number; hyper?: Record<string, number> },
  options: OptimizerContext = {},
): Optimizer {
  const spec: OptimizerSpec = OPTIMIZERS[settings.optimizer];
  const given = { lr: settings.lr, ...hyperParameters(settings.optimizer, settings.hyper ?? {}) };
  return spec.create(params, given, options);
}
