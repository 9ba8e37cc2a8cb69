/**
 * A tiny experiment for the runner's tests, so that no library test depends
 * on a write-up's file in `experiments/` (changing a write-up's defaults must
 * not break a library test). It trains on the embedded Fashion-MNIST in well
 * under a second.
 *
 * @module
 */
import { scaleCentered } from "../data/mod.ts";
import type { Experiment } from "../experiment/mod.ts";
import { Conv2d, Dense, Flatten, gaussian, MaxPool2d, Relu, Sequential } from "../layers/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";

/** conv 1->2 3x3 -> ReLU -> max-pool 2 -> dense 338 -> 10; 60 training and 30 test images, 2 epochs. */
export const tinyExperiment: Experiment = {
  name: "tiny",
  title: "A tiny CNN for the runner's tests",
  source: "lib/testing/tiny_experiment.ts",
  dataset: "fashion-mnist",
  defaults: {
    seed: 0,
    epochs: 2,
    lr: 0.005,
    batchSize: 1,
    optimizer: "sgd",
    trainLimit: 60,
    testLimit: 30,
    logEvery: 20,
    order: "reshuffle",
    flags: {},
  },
  prepare: (data) => ({
    train: data.train,
    evaluations: [{ split: "test", set: data.test }],
    transform: scaleCentered,
  }),
  model: ({ rng, dtype, arm }) =>
    new Sequential([
      new Conv2d({
        input: [1, 28, 28],
        filters: 2,
        kernel: 3,
        kernelInit: gaussian(0.3),
        frozen: arm === "frozen",
        rng,
        dtype,
      }), // -> 2x26x26
      new Relu(),
      new MaxPool2d({ window: 2 }), // -> 2x13x13
      new Flatten(), // -> 338
      new Dense({ inputs: 338, units: 10, weightInit: gaussian(0.05), rng, dtype }), // -> 10
    ], { inputShape: [1, 28, 28] }),
  loss: softmaxCrossEntropy,
  replica: { module: import.meta.url, export: "tinyExperiment" },
};

/** {@linkcode tinyExperiment} with two arms: `trained`, and `frozen` (its convolution frozen). */
export const tinyArmsExperiment: Experiment = {
  ...tinyExperiment,
  name: "tiny_arms",
  arms: [
    { name: "trained", description: "every layer trains" },
    { name: "frozen", description: "the convolution is frozen" },
  ],
};
