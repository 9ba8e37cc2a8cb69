/**
 * What a run records besides its metrics rows: the settings record, charts, the evaluation table, and for its HTML
 * report each evaluated image's prediction (`predictions.csv`) and a few pictures (`pictures.json`): the first
 * convolution's filters before and after training, its feature maps of a few evaluation images, and the worst
 * misclassified images. `deno task report` then needs nothing but the folder.
 *
 * @module
 */
import { batchOf, type ImageSet, type PixelTransform } from "../data/mod.ts";
import { conv2dForward } from "../kernels/mod.ts";
import { Conv2d, type Sequential } from "../layers/mod.ts";
import type { ArmPictures, MetricsRow, PredictionRow, SettingValue } from "../run/mod.ts";
import { markdownTable, renderChart } from "../report/mod.ts";
import type { Param } from "../tensor/mod.ts";
import type { Evaluation } from "../train/mod.ts";
import type { Experiment, PreparedData } from "./experiment.ts";
import { DEFAULT_BACKEND, type Settings } from "./settings.ts";

/** Settings as recorded: snake_case, flat, JSON primitives, hyper-parameters among them; arms' own as `<arm>.<key>`. */
export function recordSettings(
  experiment: Pick<Experiment, "dataset">,
  perArm: Map<string, Settings>,
): Record<string, SettingValue> {
  const flat = (s: Settings): Record<string, SettingValue> => ({
    seed: s.seed,
    epochs: s.epochs,
    lr: s.lr,
    batch_size: s.batchSize,
    optimizer: s.optimizer,
    train_limit: s.trainLimit,
    test_limit: s.testLimit,
    log_every: s.logEvery,
    order: s.order,
    backend: s.backend ?? DEFAULT_BACKEND,
    threads: s.threads ?? 1,
    ...s.hyper,
    ...Object.fromEntries(Object.entries(s.flags).map(([k, v]) => [`flag_${k}`, v])),
  });
  const entries = [...perArm.entries()];
  const base = flat(entries[0]![1]);
  const record: Record<string, SettingValue> = { dataset: experiment.dataset, ...base };
  if (entries.length > 1 || entries[0]![0] !== "") {
    record.arms = entries.map(([name]) => name).join(",");
    for (const [name, settings] of entries) {
      for (const [key, value] of Object.entries(flat(settings))) {
        if (value !== base[key]) record[`${name}.${key}`] = value;
      }
    }
  }
  return record;
}

/** A Markdown table of every evaluation row: arm, epoch, split, loss, accuracy, macro-F1. */
export function evaluationTable(rows: MetricsRow[]): string {
  const evaluations = rows.filter((r) => r.split !== "train");
  const multiArm = evaluations.some((r) => r.arm !== "");
  const header = [...(multiArm ? ["arm"] : []), "epoch", "split", "loss", "accuracy", "macro-F1"];
  return markdownTable({
    header,
    rows: evaluations.map((r) => [
      ...(multiArm ? [r.arm] : []),
      String(r.epoch),
      r.split,
      ...[r.loss, r.accuracy, r.macro_f1 ?? NaN].map((v) => v.toFixed(4)),
    ]),
  });
}

/** Loss and accuracy charts per arm: training intervals against evaluations, by samples seen. */
export function chartsOf(rows: MetricsRow[], options: { color: boolean }): string {
  const arms = [...new Set(rows.map((r) => r.arm))];
  const parts: string[] = [];
  for (const arm of arms) {
    const mine = rows.filter((r) => r.arm === arm);
    const splits = [...new Set(mine.map((r) => r.split))];
    for (const metric of ["loss", "accuracy"] as const) {
      const series = splits.map((split) => {
        const picked = mine.filter((r) => r.split === split);
        return {
          name: split === "train" ? "train (interval)" : split,
          values: picked.map((r) => r[metric]),
          x: picked.map((r) => r.samples_seen),
        };
      }).filter((s) => s.values.length > 0);
      if (series.length === 0) continue;
      parts.push(
        renderChart(series, {
          title: `${arm ? arm + ": " : ""}${metric} against samples seen`,
          color: options.color,
          xLabel: "samples seen",
        }),
      );
    }
  }
  return parts.join("\n\n");
}

/** Evaluation images whose feature maps are kept, and misclassified images kept per split. */
const FEATURE_IMAGES = 4, WORST_IMAGES = 24;

/** Four significant digits: enough to draw, a quarter of the JSON. */
const round = (values: ArrayLike<number>) => Array.from(values, (v) => Number(v.toPrecision(4)));

/**
 * What the report shows of one arm, from its final evaluations (no second pass over the data): one prediction row
 * per evaluated image, and its pictures (the model's first `Conv2d` gives the filters and feature maps).
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
    pictures.featureMaps = featureMaps(conv, { initial, ...data.evaluations[0]!, transform: data.transform });
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
  options: { initial: Param["value"]; split: string; set: ImageSet; transform: PixelTransform },
): ArmPictures["featureMaps"] {
  const { split, set, transform } = options;
  const { stride, padding, outHeight: height, outWidth: width } = conv.geometry;
  const maps = (x: Parameters<typeof conv2dForward>[0], w: Param["value"]) => {
    const y = conv2dForward(x, { data: w, shape: conv.kernel.shape }, { stride, padding }).y.data;
    return Array.from(
      { length: conv.kernel.shape[0]! },
      (_, f) => round(y.subarray(f * height * width, (f + 1) * height * width)),
    );
  };
  return Array.from({ length: Math.min(FEATURE_IMAGES, set.count) }, (_, index) => {
    const { x } = batchOf(set, Int32Array.of(index), { transform });
    const input = round(x.data.subarray(0, set.height * set.width));
    const [initial, trained] = [maps(x, options.initial), maps(x, conv.kernel.value)];
    return { split, index, label: set.labels[index]!, input, initial, trained, height, width };
  });
}
