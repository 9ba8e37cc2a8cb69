// Kernel benchmarks at the sizes the experiments use: `deno task bench`.
import { createRng } from "../rng/mod.ts";
import type { Tensor } from "../tensor/mod.ts";
import { conv2dBackward, conv2dForward } from "./conv2d.ts";
import { denseBackward, denseForward } from "./dense.ts";
import { maxPool2dBackward, maxPool2dForward } from "./max_pool2d.ts";

const rng = createRng(0);
const random = (shape: number[]): Tensor => ({
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
  shape,
});

// The two-conv Fashion model's second convolution: 6 -> 6 channels, 5x5, same, on 28x28.
const x6 = random([1, 6, 28, 28]), w6 = random([6, 6, 5, 5]), b6 = random([6, 28, 28]);
const conv = conv2dForward(x6, w6, { padding: "same", bias: b6 });
Deno.bench("conv2dForward 6->6 5x5 same 28x28", { group: "conv", baseline: true }, () => {
  conv2dForward(x6, w6, { padding: "same", bias: b6 });
});
Deno.bench("conv2dBackward 6->6 5x5 same 28x28", { group: "conv" }, () => {
  conv2dBackward(conv.y, conv.cache);
});

// Zhou's convolution: 1 -> 8 channels, 3x3, valid.
const x1 = random([1, 1, 28, 28]), w8 = random([8, 1, 3, 3]);
Deno.bench("conv2dForward 1->8 3x3 valid 28x28", { group: "conv-small" }, () => {
  conv2dForward(x1, w8);
});

const pool = maxPool2dForward(x6, { window: 2 });
Deno.bench("maxPool2dForward 2x2 on 6x28x28", { group: "pool" }, () => {
  maxPool2dForward(x6, { window: 2 });
});
Deno.bench("maxPool2dBackward 2x2 on 6x28x28", { group: "pool" }, () => {
  maxPool2dBackward(pool.y, pool.cache);
});

const h = random([1, 1176]), w = random([1176, 100]), b = random([100]);
const dense = denseForward(h, w, { bias: b });
Deno.bench("denseForward 1176->100", { group: "dense" }, () => {
  denseForward(h, w, { bias: b });
});
Deno.bench("denseBackward 1176->100", { group: "dense" }, () => {
  denseBackward(dense.y, dense.cache);
});
