/**
 * What a run records for its HTML report beyond metrics and confusion
 * matrices: each evaluated image's prediction (`predictions.csv`) and a few
 * pictures (`pictures.json`): the first convolution's filters before and
 * after training, its feature maps of a few evaluation images, and the worst
 * misclassified images. `deno task report` then needs nothing but the folder.
 *
 * @module
 */
import type { Backend } from "../backend/mod.ts";
import { batchOf, type ImageSet, type PixelTransform } from "../data/mod.ts";
import { conv2dForward } from "../kernels/mod.ts";
import { Conv2d, type Sequential } from "../layers/mod.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { ArmPictures, PredictionRow } from "../run/mod.ts";
import type { Param } from "../tensor/mod.ts";
import type { PreparedData } from "./experiment.ts";

/** Evaluation images whose feature maps are kept, and misclassified images kept per split. */
const FEATURE_IMAGES = 4, WORST_IMAGES = 24;

/** Four significant digits: enough to draw, a quarter of the JSON. */
const round = (values: ArrayLike<number>) => Array.from(values, (v) => Number(v.toPrecision(4)));

/**
 * Runs the trained model over every evaluation set and records what the report shows of one arm.
 *
 * @param model the trained model; its first `Conv2d` gives the filters and feature maps.
 * @param options the arm's name, initial parameter values, data, loss and backend.
 * @returns one prediction row per evaluated image, and the arm's pictures.
 */
export function recordForReport(
  model: Sequential,
  options: {
    arm: string;
    initial: Map<string, Param["value"]>;
    data: PreparedData;
    loss: LossFunction;
    backend: Backend;
  },
): { predictions: PredictionRow[]; pictures: ArmPictures } {
  const { arm, data } = options;
  const predictions = data.evaluations.flatMap(({ split, set }) =>
    predict(model, set, options).map((p, index) => ({ arm, split, index, ...p }))
  );
  const worst = data.evaluations.flatMap(({ split, set }) =>
    predictions.filter((p) => p.split === split && p.predicted !== p.label)
      .sort((a, b) => a.probability - b.probability).slice(0, WORST_IMAGES)
      .map((p) => ({ ...p, pixels: Array.from(imageBytes(set, p.index)) }))
  );
  const conv = model.layers.find((layer) => layer instanceof Conv2d);
  const pictures: ArmPictures = { arm, filters: null, featureMaps: [], worst };
  if (conv) {
    const initial = options.initial.get(conv.kernel.name) ?? conv.kernel.value;
    pictures.filters = { shape: [...conv.kernel.shape], initial: round(initial), trained: round(conv.kernel.value) };
    pictures.featureMaps = featureMaps(conv, { initial, set: data.evaluations[0]!.set, transform: data.transform });
    pictures.featureMaps.forEach((m) => (m.split = data.evaluations[0]!.split));
  }
  return { predictions, pictures };
}

/** Each image's predicted class and true-class probability (`exp(-loss)`: both losses are cross-entropies). */
function predict(
  model: Sequential,
  set: ImageSet,
  options: { loss: LossFunction; data: PreparedData; backend: Backend },
) {
  const out: { label: number; predicted: number; probability: number }[] = [];
  for (let start = 0; start < set.count; start += 100) {
    options.backend.beginStep();
    const indices = Int32Array.from({ length: Math.min(100, set.count - start) }, (_, i) => start + i);
    const { x, labels } = batchOf(set, indices, { transform: options.data.transform });
    const result = options.loss(model.forward(x), labels);
    for (let i = 0; i < indices.length; i++) {
      out.push({ label: labels[i]!, predicted: result.predicted[i]!, probability: Math.exp(-result.losses[i]!) });
    }
  }
  return out;
}

/** The first channel of image `n`, as bytes. */
function imageBytes(set: ImageSet, n: number): Uint8Array {
  const size = set.height * set.width;
  return set.images.subarray(n * set.channels * size, (n * set.channels + 1) * size);
}

/** The first images of `set` as the model sees them, and their convolution (no bias) with the initial and trained filters. */
function featureMaps(
  conv: Conv2d,
  options: { initial: Param["value"]; set: ImageSet; transform: PixelTransform },
): ArmPictures["featureMaps"] {
  const { set } = options;
  const { stride, padding, outHeight, outWidth } = conv.geometry;
  const maps = (x: Parameters<typeof conv2dForward>[0], w: Param["value"]) => {
    const y = conv2dForward(x, { data: w, shape: conv.kernel.shape }, { stride, padding }).y.data;
    const plane = outHeight * outWidth;
    return Array.from({ length: conv.kernel.shape[0]! }, (_, f) => round(y.subarray(f * plane, (f + 1) * plane)));
  };
  return Array.from({ length: Math.min(FEATURE_IMAGES, set.count) }, (_, index) => {
    const { x } = batchOf(set, Int32Array.of(index), { transform: options.transform });
    const input = round(x.data.subarray(0, set.height * set.width));
    const label = set.labels[index]!;
    const size = { height: outHeight, width: outWidth };
    return {
      split: "",
      index,
      label,
      input,
      initial: maps(x, options.initial),
      trained: maps(x, conv.kernel.value),
      ...size,
    };
  });
}
