/**
 * The experiments the playground offers, first the default.
 *
 * @module
 */
import type { Experiment } from "../lib/mod.ts";
import { ablation } from "../experiments/ablation.ts";
import { bitsbrains } from "../experiments/bitsbrains.ts";
import { fashion } from "../experiments/fashion.ts";
import { zhou } from "../experiments/zhou.ts";

/** Zhou, the two-conv network, Bits and Brains, the ablation. */
export const PLAYGROUND_EXPERIMENTS: readonly Experiment[] = [zhou, fashion, bitsbrains, ablation];
