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
  scaleCentered,
  Sequential,
  softmaxCrossEntropy,
} from "../lib/mod.ts";

export const fashion: Experiment = {
  name: "fashion",
  title: "Two-conv Fashion-MNIST CNN (conv5x5 same x2, pool, dense 100, dense 10; SGD, batch 1)",
  source: "two-conv Fashion-MNIST NumPy CNN write-up (accuracy 0.891, macro-F1 0.890)",
  reported: [{ split: "test", accuracy: 0.891, "macro_f1": 0.890 }],
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
  model: ({ rng, dtype }) => {
    // The write-up's initialisation: kernels N(0,1)/25 with one bias per output pixel N(0,1)/1024;
    // dense weights N(0,1)/fan-in and biases N(0,1)/fan-out. gaussianOver("fanIn") divides by the
    // fan-in itself, not by its square root as He and LeCun initialisation do: far smaller weights.
    const conv5x5 = (channels: number) =>
      new Conv2d({
        input: [channels, 28, 28],
        filters: 6,
        kernel: 5,
        padding: "same",
        bias: "position",
        kernelInit: gaussianOver(25),
        biasInit: gaussianOver(1024),
        rng,
        dtype,
      });
    const dense = (inputs: number, units: number) =>
      new Dense({ inputs, units, weightInit: gaussianOver("fanIn"), biasInit: gaussianOver("fanOut"), rng, dtype });
    return new Sequential([
      conv5x5(1), // 1x28x28 -> 6x28x28
      new Relu(),
      conv5x5(6), // -> 6x28x28
      new Relu(),
      new MaxPool2d({ window: 2 }), // -> 6x14x14
      new Flatten(), // -> 1176
      dense(1176, 100), // -> 100
      new Relu(),
      dense(100, 10), // -> 10, softmax in the loss
    ], { inputShape: [1, 28, 28] });
  },
  loss: softmaxCrossEntropy,
  replica: { module: import.meta.url, export: "fashion" },
};
