import assert from "node:assert/strict";
import { type ImageSet, scaleCentered } from "../data/mod.ts";
import { Conv2d, Dense, Flatten, gaussianOver, MaxPool2d, Relu, Sequential } from "../layers/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { train } from "../train/mod.ts";
import { type Backend, createWasmBackend, tsBackend } from "./mod.ts";

// A small twin of the two-conv Fashion model: every kernel of the real one, at a size a test can afford.
function smallModel(): Sequential {
  const rng = createRng(11);
  const conv = (channels: number, filters: number, bias: "position" | "channel") =>
    new Conv2d({
      input: [channels, 12, 12],
      filters,
      kernel: 5,
      padding: "same",
      bias,
      biasInit: gaussianOver(4),
      rng,
    });
  return new Sequential([
    conv(1, 3, "position"),
    new Relu(),
    conv(3, 4, "channel"),
    new Relu(),
    new MaxPool2d({ window: 2 }),
    new Flatten(),
    new Dense({ inputs: 144, units: 20, rng, biasInit: gaussianOver(20) }),
    new Relu(),
    new Dense({ inputs: 20, units: 10, rng }),
  ], { inputShape: [1, 12, 12] });
}

const rng = createRng(5);
const images: ImageSet = {
  images: Uint8Array.from({ length: 40 * 144 }, () => rng.integer(256)),
  labels: Uint8Array.from({ length: 40 }, () => rng.integer(10)),
  count: 40,
  channels: 1,
  height: 12,
  width: 12,
  classes: 10,
  classNames: [..."0123456789"],
};

/** Trains a fresh small model for one epoch of 40 images and returns its parameter values. */
async function trained(backend: Backend, options: { batchSize: number; fused: boolean }): Promise<Float32Array[]> {
  const model = smallModel();
  model.useBackend(backend);
  await train(model, { train: images, transform: scaleCentered }, {
    epochs: 1,
    batchSize: options.batchSize,
    optimizer: new Sgd(model.params(), { lr: 0.05, backend, fused: options.fused }),
    loss: softmaxCrossEntropy,
    rng: createRng(3),
    backend,
  });
  return model.params().map((p) => Float32Array.from(p.value));
}

function maxRelativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((values, k) => {
    values.forEach((v, i) => worst = Math.max(worst, Math.abs(v - b[k]![i]!) / Math.max(1, Math.abs(b[k]![i]!))));
  });
  return worst;
}

for (const [batchSize, fma] of [[1, false], [4, false], [1, true], [4, true]] as const) {
  const name = fma ? "wasm-fma" : "wasm";
  Deno.test(`training on the ${name} and ts backends ends within float32 rounding: batch ${batchSize}`, async () => {
    const reference = await trained(tsBackend, { batchSize, fused: false });
    const fast = await trained(createWasmBackend({ memoryMiB: 16, fma }), { batchSize, fused: false });
    const untrained = smallModel().params().map((p) => Float32Array.from(p.value));
    assert.ok(maxRelativeDifference(reference, untrained) > 1e-2, "training moved the weights");
    assert.ok(maxRelativeDifference(fast, reference) < 1e-4, `differ by ${maxRelativeDifference(fast, reference)}`);
  });
}

Deno.test("fused SGD gives the same weights to the bit as step() on every backend, and wasm repeats itself", async () => {
  const backends = [() => tsBackend, () => createWasmBackend({ memoryMiB: 16 })];
  for (const make of [...backends, () => createWasmBackend({ memoryMiB: 16, fma: true })]) {
    for (const batchSize of [1, 4]) {
      const plain = await trained(make(), { batchSize, fused: false });
      const fused = await trained(make(), { batchSize, fused: true });
      assert.deepEqual(fused, plain, `${make().name}, batch ${batchSize}`);
    }
  }
  for (const fma of [false, true]) {
    const wasm = () => trained(createWasmBackend({ memoryMiB: 16, fma }), { batchSize: 1, fused: true });
    assert.deepEqual(await wasm(), await wasm(), fma ? "wasm-fma" : "wasm");
  }
});
