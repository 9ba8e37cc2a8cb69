/**
 * The records a run keeps for its report beside the metrics: confusion
 * matrices (`confusion.csv`), each evaluated image's prediction
 * (`predictions.csv`) and a few pictures (`pictures.json`), written and read back.
 *
 * @module
 */
import { csvText, readCsv } from "./csv.ts";

/** One evaluated split's confusion matrix, `matrix[true][predicted]`, with the class names. */
export interface Confusion {
  /** The arm ("" for single-arm runs). */
  arm: string;
  /** `validation` or `test`. */
  split: string;
  /** The class names, by class index. */
  classNames: string[];
  /** `matrix[t][p]`: images of true class t predicted as p. */
  matrix: number[][];
}

/** One evaluated image's prediction, as in `predictions.csv`. */
export interface PredictionRow {
  /** The arm ("" for single-arm runs). */
  arm: string;
  /** `validation` or `test`. */
  split: string;
  /** The image's index in the evaluated set. */
  index: number;
  /** The true class. */
  label: number;
  /** The predicted class. */
  predicted: number;
  /** The model's probability of the true class. */
  probability: number;
}

/** An image and its first-layer feature maps. */
export interface FeatureMapRecord {
  /** The evaluated split the image comes from. */
  split: string;
  /** Its index there. */
  index: number;
  /** Its true class. */
  label: number;
  /** `height * width` of the maps; the input is the image's own size. */
  height: number;
  /** Map columns. */
  width: number;
  /** The image as the model sees it (first channel), row-major. */
  input: number[];
  /** One map per filter, with the initial filters. */
  initial: number[][];
  /** One map per filter, with the trained filters. */
  trained: number[][];
}

/** What `pictures.json` holds for one arm. */
export interface ArmPictures {
  /** The arm ("" for single-arm runs). */
  arm: string;
  /** The first convolution's filters `[F, C, KH, KW]`, flat, before and after training; null without a convolution. */
  filters: { shape: number[]; initial: number[]; trained: number[] } | null;
  /** A few evaluation images and their first-layer maps. */
  featureMaps: FeatureMapRecord[];
  /** The misclassified images with the lowest true-class probability, per split, with their pixels (bytes). */
  worst: (PredictionRow & { pixels: number[] })[];
}

/** The contents of `pictures.json`. */
export interface Pictures {
  /** Height and width of the images. */
  imageSize: { height: number; width: number };
  /** The pictures of each arm. */
  arms: ArmPictures[];
}

/** `confusion.csv`: per arm, split and true class, its name and the count predicted as each class. */
export function confusionCsv(confusions: readonly Confusion[]): string {
  const classes = Math.max(0, ...confusions.map((c) => c.matrix.length));
  const header = [
    "arm",
    "split",
    "true_class",
    "true_name",
    ...Array.from({ length: classes }, (_, k) => `predicted_${k}`),
  ];
  const rows = confusions.flatMap(({ arm, split, matrix, classNames }) =>
    matrix.map((row, t) => [arm, split, t, classNames[t] ?? "", ...row])
  );
  return csvText(header, rows);
}

/** `predictions.csv`: arm, split, index, true class, predicted class, true-class probability. */
export function predictionsCsv(rows: readonly PredictionRow[]): string {
  const header = ["arm", "split", "index", "true_class", "predicted_class", "true_class_probability"];
  return csvText(header, rows.map((r) => [r.arm, r.split, r.index, r.label, r.predicted, r.probability]));
}

/** Reads `confusion.csv` back. */
export async function readConfusions(path: string): Promise<Confusion[]> {
  const out: Confusion[] = [];
  for (const row of (await readCsv(path)).rows) {
    let entry = out.find((c) => c.arm === row.arm && c.split === row.split);
    if (!entry) out.push(entry = { arm: row.arm!, split: row.split!, classNames: [], matrix: [] });
    entry.classNames.push(row.true_name!);
    const counts = Object.keys(row).filter((k) => k.startsWith("predicted_")).map((k) => row[k]);
    entry.matrix.push(counts.filter((c) => c !== "").map(Number));
  }
  return out;
}

/** Reads `predictions.csv` back. */
export async function readPredictions(path: string): Promise<PredictionRow[]> {
  return (await readCsv(path)).rows.map((r) => ({
    arm: r.arm!,
    split: r.split!,
    index: Number(r.index),
    label: Number(r.true_class),
    predicted: Number(r.predicted_class),
    probability: Number(r.true_class_probability),
  }));
}
