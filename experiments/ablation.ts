/**
 * The frozen-layer ablations: which layer of a one-filter CNN does the work?
 *
 * Reproduces part 1 of Borun Chowdhury's "Convolutional Neural Networks using
 * Numpy" (2019): Fashion-MNIST Trouser (class 1) against Dress (class 3),
 * one 3x3 filter, trained with both layers, with the convolution frozen,
 * and with the dense layer frozen. The write-up: with both training, loss
 * falls from about 1 to 0.1 and validation accuracy rises from 0.5 to about
 * 0.96; with only the convolution training, about loss 0.5 and accuracy 0.8.
 *
 * Initial weights (the write-up's are not stated; our choice): the filter
 * N(0, 1), the dense weights N(0, 1) / 28 (= 1 / sqrt(784)). All three arms
 * start from the same weights and see the same sample draws.
 *
 * Run: `deno task exp:ablation` (`--help` for flags).
 *
 * @module
 */
import {
  Conv2d,
  Dense,
  type Experiment,
  filterClasses,
  Flatten,
  gaussian,
  holdOutLast,
  Relu,
  Sequential,
  sigmoidLogLoss,
  standardizer,
} from "../lib/mod.ts";

export const ablation: Experiment = {
  name: "ablation",
  title: "Frozen-layer ablations: Trouser vs Dress, one 3x3 filter -> ReLU -> dense 784 -> 1 -> sigmoid",
  source: "Borun Chowdhury, Convolutional Neural Networks using Numpy, part 1 (2019)",
  // "about": the write-up gives these in words ("loss falls from about 1 to 0.1", "about 0.96").
  reported: [
    { arm: "both", split: "train", loss: 0.1, note: "about" },
    { arm: "both", split: "validation", accuracy: 0.96, note: "about" },
    { arm: "dense_frozen", split: "train", loss: 0.5, note: "about" },
    { arm: "dense_frozen", split: "validation", accuracy: 0.8, note: "about" },
  ],
  dataset: "fashion-mnist",
  defaults: {
    seed: 0,
    epochs: 5,
    lr: 0.001,
    batchSize: 1,
    optimizer: "sgd",
    trainLimit: null,
    testLimit: null,
    logEvery: 1000,
    order: "with-replacement", // each step draws a random training image
    flags: {},
  },
  arms: [
    { name: "both", description: "both layers train" },
    { name: "conv_frozen", description: "the convolution is frozen; only the dense layer trains" },
    { name: "dense_frozen", description: "the dense layer is frozen; only the convolution trains" },
  ],
  prepare: (data) => {
    const pair = [1, 3]; // Trouser -> 0, Dress -> 1
    const { train, validation } = holdOutLast(filterClasses(data.train, pair), 1000);
    // Per-pixel mean and std of the training images (not the held-out ones), + 1e-7.
    const transform = standardizer(train, { epsilon: 1e-7 });
    return {
      train,
      evaluations: [{ split: "validation", set: validation }, { split: "test", set: filterClasses(data.test, pair) }],
      transform,
    };
  },
  model: ({ rng, dtype, arm }) =>
    new Sequential([
      new Conv2d({
        input: [1, 28, 28],
        filters: 1,
        kernel: 3,
        padding: "same",
        bias: "none",
        kernelInit: gaussian(1),
        frozen: arm === "conv_frozen",
        rng,
        dtype,
      }), // 1x28x28 -> 1x28x28
      new Relu(),
      new Flatten(), // -> 784
      new Dense({
        inputs: 784,
        units: 1,
        bias: false,
        weightInit: gaussian(1 / 28),
        frozen: arm === "dense_frozen",
        rng,
        dtype,
      }), // -> 1, sigmoid in the loss
    ], { inputShape: [1, 28, 28] }),
  loss: sigmoidLogLoss,
  replica: { module: import.meta.url, export: "ablation" },
  // The filter before and after training, as text; report.html shows it, and images convolved with the
  // initial and the trained filter, as the write-up does.
  afterArm: async ({ arm, model, initial, runDir, log }) => {
    const kernel = model.params().find((p) => p.name.endsWith("conv2d.kernel"))!;
    const before = initial.get(kernel.name)!;
    const format = (w: ArrayLike<number>) =>
      [0, 1, 2].map((r) => [0, 1, 2].map((c) => w[r * 3 + c]!.toFixed(4).padStart(8)).join(" ")).join("\n");
    const text = `[${arm}] filter before training:\n${format(before)}\n[${arm}] filter after training:\n${
      format(kernel.value)
    }\n`;
    log(text);
    await Deno.writeTextFile(`${runDir}/filters.txt`, text, { append: true });
  },
};
