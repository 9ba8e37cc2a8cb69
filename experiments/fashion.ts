/**
 * The two-conv Fashion-MNIST model: the suite's main job.
 *
 * Reproduces a NumPy "CNN from scratch" write-up that trains two 5x5
 * convolutions and two dense layers on Fashion-MNIST with per-sample SGD and
 * reports accuracy 0.891 and macro-F1 0.890 (its Keras twin: 0.887).
 *
 * Run: `deno task exp:fashion` (`--help` for flags).
 *
 * @module
 */
import {
  Conv2d,
  Dense,
  type Experiment,
  Flatten,
  gaussianOver,
  MaxPool2d,
  Relu,
  runExperimentCli,
  scaleCentered,
  Sequential,
  softmaxCrossEntropy,
} from "../lib/mod.ts";

export const fashion: Experiment = {
  name: "fashion",
  title: "Two-conv Fashion-MNIST CNN (conv5x5 same x2, pool, dense 100, dense 10; SGD, batch 1)",
  source: "two-conv Fashion-MNIST NumPy CNN write-up (accuracy 0.891, macro-F1 0.890)",
  dataset: "fashion-mnist",
  defaults: {
    seed: 0,
    epochs: 3,
    lr: 0.005,
    batchSize: 1,
    optimizer: "sgd",
    trainLimit: null, // all 60,000
    testLimit: null, // all 10,000, the evaluation set
    logEvery: 1000,
    order: "shuffle-once", // one shuffle before training
    flags: {},
  },
  prepare: (data) => ({
    train: data.train,
    evaluations: [{ split: "test", set: data.test }],
    transform: scaleCentered,
  }),
  model: ({ rng, dtype }) =>
    new Sequential([
      new Conv2d({
        input: [1, 28, 28],
        filters: 6,
        kernel: 5,
        padding: "same",
        bias: "position",
        kernelInit: gaussianOver(25),
        biasInit: gaussianOver(1024),
        rng,
        dtype,
      }), // 1x28x28 -> 6x28x28
      new Relu(),
      new Conv2d({
        input: [6, 28, 28],
        filters: 6,
        kernel: 5,
        padding: "same",
        bias: "position",
        kernelInit: gaussianOver(25),
        biasInit: gaussianOver(1024),
        rng,
        dtype,
      }), // -> 6x28x28
      new Relu(),
      new MaxPool2d({ window: 2 }), // -> 6x14x14
      new Flatten(), // -> 1176
      new Dense({
        inputs: 1176,
        units: 100,
        weightInit: gaussianOver("fanIn"),
        biasInit: gaussianOver("fanOut"),
        rng,
        dtype,
      }), // -> 100
      new Relu(),
      new Dense({
        inputs: 100,
        units: 10,
        weightInit: gaussianOver("fanIn"),
        biasInit: gaussianOver("fanOut"),
        rng,
        dtype,
      }), // -> 10, softmax in the loss
    ], { inputShape: [1, 28, 28] }),
  loss: softmaxCrossEntropy,
};

if (import.meta.main) Deno.exit(await runExperimentCli(fashion, Deno.args));
