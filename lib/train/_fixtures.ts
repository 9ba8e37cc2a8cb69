// Test fixtures for the training loop: a tiny synthetic image set and model.
import type { ImageSet } from "../data/mod.ts";
import { Conv2d, Dense, Flatten, type Layer, MaxPool2d, Relu, Sequential } from "../layers/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { createRng } from "../rng/mod.ts";

/** `count` 6x6 one-channel images of 3 classes: class k has a bright row 2k, plus seeded noise. */
export function stripes(count: number, seed = 1): ImageSet {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 36);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.integer(3);
    labels[n] = label;
    for (let p = 0; p < 36; p++) images[n * 36 + p] = rng.integer(60);
    for (let c = 0; c < 6; c++) images[n * 36 + label * 12 + c] = 200 + rng.integer(56);
  }
  return { images, labels, count, channels: 1, height: 6, width: 6, classes: 3, classNames: ["a", "b", "c"] };
}

/** A small conv net for 1x6x6 inputs and 3 classes. */
export function smallModel(seed: number, options: { frozenConv?: boolean; explode?: boolean } = {}): Sequential {
  const rng = createRng(seed);
  return new Sequential([
    new Conv2d({ input: [1, 6, 6], filters: 2, kernel: 3, padding: "same", frozen: options.frozenConv, rng }), // -> 2x6x6
    new Relu(),
    new MaxPool2d({ window: 2 }), // -> 2x3x3
    new Flatten(), // -> 18
    new Dense({ inputs: 18, units: 3, rng }), // -> 3
    ...(options.explode ? [exploding] : []),
  ], { inputShape: [1, 6, 6] });
}

/** A layer whose forward throws, to test that a worker's error reaches the caller. */
const exploding: Layer = {
  kind: "exploding",
  forward: () => {
    throw new Error("exploding layer: forward");
  },
  backward: (dy) => dy,
  params: () => [],
  outputShape: (input) => [...input],
  describe: () => "throws in forward",
};

/**
 * {@linkcode smallModel} for workers (see `Replica`); context `{ explode: true }` adds a throwing layer,
 * `{ relu: true }` a ReLU on the logits (a replica with the same params that computes otherwise).
 */
export const smallReplica = {
  model: ({ explode, relu }: { explode?: boolean; relu?: boolean }): Sequential => {
    const model = smallModel(0, { explode });
    return relu ? new Sequential([...model.layers, new Relu()], { inputShape: [1, 6, 6] }) : model;
  },
  loss: softmaxCrossEntropy,
};

/** Runs `fn` with `Worker` replaced by a subclass that counts the workers started and terminated. */
export async function countingWorkers(fn: () => Promise<unknown>): Promise<{ started: number; terminated: number }> {
  const counts = { started: 0, terminated: 0 }, Original = globalThis.Worker;
  globalThis.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Worker>) {
      super(...args);
      counts.started++;
    }
    override terminate() {
      counts.terminated++;
      super.terminate();
    }
  };
  try {
    await fn();
  } finally {
    globalThis.Worker = Original;
  }
  return counts;
}
