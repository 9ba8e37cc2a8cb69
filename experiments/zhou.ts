/**
 * Victor Zhou's "CNNs, Part 1/2: An Introduction to Convolutional Neural
 * Networks" pipeline: Conv3x3 (8 filters) -> MaxPool2 -> Softmax, on MNIST.
 *
 * Source: https://victorzhou.com/blog/intro-to-cnns-part-2/ (code:
 * vzhou842/cnn-from-scratch). The write-up's run ends at test loss 0.598,
 * accuracy 0.78; `--full` trains on all 60,000 images (the same network in
 * Keras: 96.3%, 97.2%, 97.4% test accuracy after epochs 1, 2, 3).
 *
 * Run: `deno task exp:zhou --data-dir DIR` (`--help` for flags).
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
  scaleCentered,
  Sequential,
  softmaxCrossEntropy,
  zerosInit,
} from "../lib/mod.ts";

export const zhou: Experiment = {
  name: "zhou",
  title: "Victor Zhou's Conv3x3 -> MaxPool2 -> Softmax on MNIST (SGD, batch 1)",
  source: "https://victorzhou.com/blog/intro-to-cnns-part-2/ (test loss 0.598, accuracy 0.78)",
  reported: [{ split: "test", loss: 0.598, accuracy: 0.78 }],
  dataset: "mnist",
  defaults: {
    seed: 0,
    epochs: 3,
    lr: 0.005,
    batchSize: 1,
    optimizer: "sgd",
    trainLimit: 1000, // the first 1,000 training images
    testLimit: 1000, // tested on the first 1,000 test images
    logEvery: 100, // "[Step 100] Past 100 steps: ..."
    order: "reshuffle", // a fresh permutation every epoch
    flags: { full: false },
  },
  extraFlags: { full: { description: "train on all 60,000 images and test on all 10,000 (overrides the limits)" } },
  deriveSettings: (settings) => (settings.flags.full ? { ...settings, trainLimit: null, testLimit: null } : settings),
  prepare: (data) => ({
    train: data.train,
    evaluations: [{ split: "test", set: data.test }],
    transform: scaleCentered, // image / 255 - 0.5
  }),
  // Zhou's randn / 9 filters and randn / 1352 dense weights divide by the fan-in itself, not by its
  // square root as He and LeCun initialisation do.
  model: ({ rng, dtype }) =>
    new Sequential([
      new Conv2d({
        input: [1, 28, 28],
        filters: 8,
        kernel: 3,
        padding: "valid",
        bias: "none",
        kernelInit: gaussianOver(9),
        rng,
        dtype,
      }), // 28x28x1 -> 26x26x8
      new MaxPool2d({ window: 2 }), // -> 13x13x8
      new Flatten(), // -> 1352
      new Dense({ inputs: 1352, units: 10, weightInit: gaussianOver(1352), biasInit: zerosInit(), rng, dtype }), // -> 10, softmax in the loss
    ], { inputShape: [1, 28, 28] }),
  loss: softmaxCrossEntropy,
  replica: { module: import.meta.url, export: "zhou" },
  // The write-up's own log line.
  formatInterval: (log) =>
    `[Step ${log.step}] Past ${log.intervalSamples} steps: Average Loss ${log.loss.toFixed(3)} | Accuracy: ${
      Math.round(log.accuracy * 100)
    }%`,
};
