/**
 * The same networks trained with TensorFlow.js from npm, in the same process,
 * so `deno task bench --compare-tfjs` measures the ratio side by side.
 *
 * Each network is rebuilt from the suite's `Sequential` with TensorFlow.js ops
 * (NHWC, as TensorFlow.js lays images out) and trained with `tf.train.sgd`.
 * Its CPU backend has a gradient for every op; its WebAssembly backend has
 * none for conv2d and max-pool, so there, as a TensorFlow.js user would, a
 * convolution is written as shifted slices and one matrix product, and a
 * max-pool as a reshape and a max. Not exported from `lib/mod.ts`: loading
 * TensorFlow.js takes seconds, and only this comparison needs it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { batchOf } from "../../lib/data/mod.ts";
import { Conv2d, Dense, Flatten, MaxPool2d, Relu, type Sequential, Sigmoid } from "../../lib/layers/mod.ts";
import {
  type BenchmarkTfjs,
  type BenchRow,
  PEAK_GFLOPS_PER_CORE,
  peakRssMb,
  type TfjsBackend,
  type TfjsBenchOptions,
  trainingFlops,
} from "../../lib/bench/mod.ts";

type Forward = (x: tf.Tensor) => tf.Tensor;

/** Selects a TensorFlow.js backend; the WebAssembly one finds its .wasm files in its npm package. */
async function useTfjsBackend(backend: TfjsBackend): Promise<void> {
  if (backend === "tfjs-wasm") {
    const dir = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
    setWasmPaths(new URL("dist/", `file://${dir}`).pathname);
  }
  if (!(await tf.setBackend(backend === "tfjs-wasm" ? "wasm" : "cpu"))) {
    throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  }
}

/**
 * A convolution as TensorFlow.js's WebAssembly backend can differentiate it: shifted slices (`tf.slice`,
 * which has a gradient; `tf.stridedSlice` has none, so stride 1 only), one matrix product.
 */
function convBySlices(x: tf.Tensor4D, w: tf.Variable, layer: Conv2d): tf.Tensor4D {
  const [F, C, KH, KW] = layer.kernel.shape as [number, number, number, number];
  const { outHeight: OH, outWidth: OW, stride } = layer.geometry;
  if (stride[0] !== 1 || stride[1] !== 1) throw new Error("the TensorFlow.js WebAssembly twin covers stride 1 only");
  const N = x.shape[0];
  const slices: tf.Tensor4D[] = [];
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) slices.push(tf.slice(x, [0, kh, kw, 0], [N, OH, OW, C]));
  }
  const columns = tf.concat(slices, 3).reshape([N * OH * OW, KH * KW * C]);
  return tf.matMul(columns, w.reshape([KH * KW * C, F])).reshape([N, OH, OW, F]);
}

/** The TensorFlow.js forward pass of one layer, with its variables. */
function twinLayer(layer: unknown, wasm: boolean, variables: tf.Variable[]): Forward {
  const variable = (shape: number[]) => {
    const v = tf.variable(tf.randomNormal(shape, 0, 0.05));
    variables.push(v);
    return v;
  };
  if (layer instanceof Conv2d) {
    const [F, C, KH, KW] = layer.kernel.shape as [number, number, number, number];
    const { padding: p, stride, outHeight, outWidth } = layer.geometry;
    const w = variable([KH, KW, C, F]);
    const b = layer.bias && variable(layer.bias.shape.length === 1 ? [F] : [outHeight, outWidth, F]);
    return (x) => {
      const padded = tf.pad(x as tf.Tensor4D, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]);
      const y = wasm ? convBySlices(padded, w, layer) : tf.conv2d(padded, w as tf.Tensor4D, stride, "valid");
      return b ? tf.add(y, b) : y;
    };
  }
  if (layer instanceof Dense) {
    const w = variable([...layer.weight.shape]), b = layer.bias && variable([...layer.bias.shape]);
    return (
      x,
    ) => (b ? tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b) : tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D));
  }
  if (layer instanceof MaxPool2d) {
    const window = typeof layer.options.window === "number"
      ? [layer.options.window, layer.options.window]
      : layer.options.window;
    return (x) => {
      const [N, H, W, C] = x.shape as [number, number, number, number];
      const [PH, PW] = window as [number, number];
      if (!wasm) {
        return tf.maxPool(x as tf.Tensor4D, [PH, PW], (layer.options.stride ?? [PH, PW]) as [number, number], "valid");
      }
      const OH = Math.floor(H / PH), OW = Math.floor(W / PW);
      const cropped = tf.slice(x, [0, 0, 0, 0], [N, OH * PH, OW * PW, C]);
      return tf.max(cropped.reshape([N, OH, PH, OW, PW, C]), [2, 4]);
    };
  }
  if (layer instanceof Relu) return (x) => tf.relu(x);
  if (layer instanceof Sigmoid) return (x) => tf.sigmoid(x);
  if (layer instanceof Flatten) return (x) => x.reshape([x.shape[0], -1]);
  throw new Error(`the TensorFlow.js comparison has no twin for layer ${(layer as { kind?: string }).kind}`);
}

/** Times batch-1 SGD steps of a TensorFlow.js twin of `model`. */
export const benchmarkTfjs: BenchmarkTfjs = async (model: Sequential, options: TfjsBenchOptions): Promise<BenchRow> => {
  await useTfjsBackend(options.backend);
  const variables: tf.Variable[] = [];
  const forwards = model.layers.map((layer) => twinLayer(layer, options.backend === "tfjs-wasm", variables));
  const classes = model.outputShape(model.inputShape)[0]!;
  const [C, H, W] = model.inputShape as [number, number, number];
  const inputs = Array.from({ length: 16 }, (_, i) => {
    const { x, labels } = batchOf(options.data.train, [i], { transform: options.data.transform });
    return { x: tf.tensor4d(Float32Array.from(x.data), [1, H, W, C]), label: labels[0]! % Math.max(classes, 2) };
  });
  const optimizer = tf.train.sgd(options.lr);
  const step = (i: number) => {
    const { x, label } = inputs[i % inputs.length]!;
    tf.tidy(() => {
      optimizer.minimize(
        () => {
          const logits = forwards.reduce((y, f) => f(y), x as tf.Tensor);
          return classes === 1
            ? tf.losses.sigmoidCrossEntropy(tf.tensor2d([[label]]), logits)
            : tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([label], "int32"), classes), logits);
        },
        false,
        variables,
      );
    });
  };
  let start = performance.now(), warm = 0;
  while (performance.now() - start < 1000 || warm < 5) step(warm++);
  const steps = Math.max(5, Math.round(500 / ((performance.now() - start) / warm)));
  const perStep: number[] = [];
  for (let r = 0; r < (options.rounds ?? 5); r++) {
    start = performance.now();
    for (let i = 0; i < steps; i++) step(i);
    perStep.push((performance.now() - start) * 1000 / steps);
  }
  tf.dispose([...variables, ...inputs.map((input) => input.x)]);
  perStep.sort((a, b) => a - b);
  const us = perStep[perStep.length >> 1]!;
  const gflops = trainingFlops(model) * (1e6 / us) / 1e9;
  return {
    network: options.network,
    backend: options.backend,
    batch: 1,
    threads: 1,
    "us_per_step_median": us,
    "images_per_s": 1e6 / us,
    "epoch_s_projected": 60000 * us / 1e6,
    gflops,
    "fraction_of_peak": gflops / PEAK_GFLOPS_PER_CORE,
    "peak_rss_mb": peakRssMb(),
  };
};
