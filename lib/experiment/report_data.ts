/**
 * What a run records for its HTML report beyond metrics and confusion
 * matrices: each evaluated image's prediction (`predictions.csv`) and a few
 * pictures (`pictures.json`): the first convolution's filters before and
 * after training, its feature maps of a few evaluation images, and the worst
 * misclassified images. `deno task report` then needs nothing but the folder.
 *
 * @module
 */
import { batchOf, type ImageSet, type PixelTransform } from "../data/mod.ts";
import { conv2dForward } from "../kernels/mod.ts";
import { Conv2d, type Sequential } from "../layers/mod.ts";
import type { Evaluation } from "../train/mod.ts";
import type { ArmPictures, PredictionRow } from "../run/mod.ts";
import type { Param } from "../tensor/mod.ts";
import type { PreparedData } from "./experiment.ts";

/** Evaluation images whose feature maps are kept, and misclassified images kept per split. */
const FEATURE_IMAGES = 4, WORST_IMAGES = 24;

/** Four significant digits: enough to draw, a quarter of the JSON. */
const round = (values: ArrayLike<number>) => Array.from(values, (v) => Number(v.toPrecision(4)));

/**
 * Records what the report shows of one arm from its final evaluations (no second pass over the data).
 *
 * @param model the trained model; its first `Conv2d` gives the filters and feature maps.
 * @param options the arm's name, initial parameter values, data, and its final evaluation of each split.
 * @returns one prediction row per evaluated image, and the arm's pictures.
 */
export function recordForReport(
  model: Sequential,
  options: {
    arm: string;
    initial: Map<string, Param["value"]>;
    data: PreparedData;
    final: Record<string, Pick<Evaluation, "predicted" | "losses">>;
  },
): { predictions: PredictionRow[]; pictures: ArmPictures } {
  const { arm, data } = options;
  // The true class's probability is exp(-loss): both losses are cross-entropies.
  const predictions = data.evaluations.flatMap(({ split, set }) =>
    Array.from(options.final[split]?.predicted ?? [], (predicted, index) => ({
      arm,
      split,
      index,
      label: set.labels[index]!,
      predicted,
      probability: Math.exp(-options.final[split]!.losses[index]!),
    }))
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
