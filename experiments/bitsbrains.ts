/**
 * Bits&Brains' "CNN from scratch": Conv(1->8, 3x3) -> MaxPool 2x2 ->
 * Linear(1352 -> 10) with a softmax loss, on MNIST.
 *
 * The write-up builds the network with weights `randn * 1e-3` and leaves
 * training as a challenge; it trains a Keras twin instead (ReLU after the
 * convolution, Adam, batch 1, one epoch, 10% validation split) to 97.5% test
 * accuracy (loss 0.080). Two arms, one run:
 * - `writeup`: the write-up's own network (no ReLU, Gaussian x 1e-3 weights,
 *   zero biases) trained with plain SGD, lr 0.005 (our choice: the write-up
 *   names none);
 * - `keras`: the Keras twin (ReLU, Glorot-uniform kernels, zero biases,
 *   Adam with Keras defaults).
 * Both train one epoch, batch 1, over the first 54,000 training images and
 * validate on the last 6,000 (Keras' `validation_split=0.1` takes the last
 * 10%); the test set is the 10,000 test images.
 *
 * Run: `deno task exp:bitsbrains --data-dir DIR` (`--help` for flags).
 *
 * @module
 */
import {
  Conv2d,
  Dense,
  type Experiment,
  Flatten,
  gaussian,
  glorotUniform,
  holdOutLast,
  type Layer,
  MaxPool2d,
  Relu,
  scaleUnit,
  Sequential,
  softmaxCrossEntropy,
  zerosInit,
} from "../lib/mod.ts";

export const bitsbrains: Experiment = {
  name: "bitsbrains",
  title: "Bits&Brains conv + pool + linear on MNIST: the write-up's network (SGD) and its Keras twin (ReLU, Adam)",
  source: "Bits&Brains, CNN from scratch in NumPy (Keras twin: test accuracy 0.975, loss 0.080)",
  reported: [{ arm: "keras", split: "test", accuracy: 0.975, loss: 0.080, note: "Keras twin" }],
  dataset: "mnist",
  defaults: {
    seed: 0,
    epochs: 1,
    lr: 0.005,
    batchSize: 1,
    optimizer: "sgd",
    trainLimit: null,
    testLimit: null,
    logEvery: 1000,
    order: "reshuffle", // Keras shuffles every epoch by default
    flags: {},
  },
  arms: [
    {
      name: "writeup",
      description: "the write-up's network: conv (bias) -> max-pool -> linear, weights N(0,1) x 1e-3; SGD lr 0.005",
    },
    {
      name: "keras",
      description: "the Keras twin: conv -> ReLU -> max-pool -> dense, Glorot-uniform; Adam (lr 0.001, Keras defaults)",
      overrides: { optimizer: "adam", lr: 0.001 },
    },
  ],
  prepare: (data) => {
    const { train, validation } = holdOutLast(data.train, 6000); // validation_split=0.1
    return {
      train,
      evaluations: [{ split: "validation", set: validation }, { split: "test", set: data.test }],
      transform: scaleUnit,
    }; // image / 255
  },
  model: ({ rng, dtype, arm }) => {
    const keras = arm === "keras";
    const init = keras ? glorotUniform() : gaussian(1e-3);
    const layers: Layer[] = [
      new Conv2d({
        input: [1, 28, 28],
        filters: 8,
        kernel: 3,
        padding: 0,
        stride: 1,
        bias: "channel",
        kernelInit: init,
        biasInit: zerosInit(),
        rng,
        dtype,
      }), // 1x28x28 -> 8x26x26
      ...(keras ? [new Relu()] : []),
      new MaxPool2d({ window: 2, stride: 2 }), // -> 8x13x13
      new Flatten(), // -> 1352
      new Dense({ inputs: 1352, units: 10, weightInit: init, biasInit: zerosInit(), rng, dtype }), // -> 10, softmax in the loss
    ];
    return new Sequential(layers, { inputShape: [1, 28, 28] });
  },
  loss: softmaxCrossEntropy,
  replica: { module: import.meta.url, export: "bitsbrains" },
};
