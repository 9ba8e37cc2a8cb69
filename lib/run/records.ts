/**
 * What a run keeps for its report beside the metrics: `confusion.csv`, `predictions.csv` and `pictures.json`.
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

/**
 * Reads `pictures.json` back, checked to have the shape the report draws from.
 *
 * @throws {Error} naming the file when it cannot be read, is cut off or not JSON, or is not a run's pictures
 * (with the first entry that is wrong).
 */
export async function readPictures(path: string): Promise<Pictures> {
  const text = await Deno.readTextFile(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is cut off or not JSON (${(error as Error).message})`);
  }
  const wrong = picturesProblem(value);
  if (wrong !== null) throw new Error(`${path} is not a run's pictures: ${wrong}`);
  return value as Pictures;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");
const isSide = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
/** The first item's problem, or null. */
const first = <T>(items: T[], problem: (item: T, i: number) => string | null) =>
  items.map(problem).find((p) => p !== null) ?? null;

/** What `value` (named `name`) lacks to be a list of `count` numbers; null when it is one. */
function numbersProblem(value: unknown, options: { name: string; count: number }): string | null {
  if (!isNumbers(value)) return `${options.name} is not a list of numbers`;
  if (value.length !== options.count) return `${options.name} has ${value.length} numbers, expected ${options.count}`;
  return null;
}

/** The first thing that keeps `value` from being {@linkcode Pictures}, or null. */
function picturesProblem(value: unknown): string | null {
  if (!isObject(value)) return "it is not an object";
  const size = value.imageSize;
  if (!isObject(size) || !isSide(size.height) || !isSide(size.width)) {
    return "imageSize is not {height, width} in pixels";
  }
  if (!Array.isArray(value.arms)) return "arms is not a list";
  const pixels = (size.height as number) * (size.width as number);
  return first(value.arms, (arm, a) => armProblem(arm, { at: `arms[${a}]`, pixels }));
}

/** The first thing that keeps `arm` (named `at`) from being {@linkcode ArmPictures} of `pixels`-pixel images, or null. */
function armProblem(arm: unknown, { at, pixels }: { at: string; pixels: number }): string | null {
  if (!isObject(arm) || typeof arm.arm !== "string") return `${at} is not an arm's pictures`;
  if (!Array.isArray(arm.featureMaps) || !Array.isArray(arm.worst)) return `${at} lacks its featureMaps or worst list`;
  const { filters } = arm;
  if (filters !== null) {
    if (!isObject(filters)) return `${at}.filters is not an object`;
    const { shape } = filters;
    if (!isNumbers(shape) || shape.length !== 4 || !shape.every(isSide)) {
      return `${at}.filters.shape is not [filters, channels, height, width]`;
    }
    const count = shape.reduce((p, n) => p * n, 1);
    const wrong = numbersProblem(filters.initial, { name: `${at}.filters.initial`, count }) ??
      numbersProblem(filters.trained, { name: `${at}.filters.trained`, count });
    if (wrong !== null) return wrong;
  }
  return first(arm.featureMaps, (map, m) => featureMapProblem(map, { at: `${at}.featureMaps[${m}]`, pixels })) ??
    first(arm.worst, (image, w) => {
      const where = `${at}.worst[${w}]`;
      if (!isObject(image) || typeof image.split !== "string") return `${where} is not a misclassified image`;
      if (!["index", "label", "predicted", "probability"].every((k) => typeof image[k] === "number")) {
        return `${where} lacks its index, label, predicted class or probability`;
      }
      return numbersProblem(image.pixels, { name: `${where}.pixels`, count: pixels });
    });
}

/** The first thing that keeps `map` (named `at`) from being a {@linkcode FeatureMapRecord}, or null. */
function featureMapProblem(map: unknown, { at, pixels }: { at: string; pixels: number }): string | null {
  if (!isObject(map) || typeof map.split !== "string") return `${at} is not a feature-map record`;
  if (typeof map.index !== "number" || typeof map.label !== "number" || !isSide(map.height) || !isSide(map.width)) {
    return `${at} lacks its index, label, height or width`;
  }
  const count = (map.height as number) * (map.width as number);
  const input = numbersProblem(map.input, { name: `${at}.input`, count: pixels });
  if (input !== null) return input;
  for (const key of ["initial", "trained"]) {
    const maps = map[key];
    if (!Array.isArray(maps)) return `${at}.${key} is not a list of maps`;
    const wrong = first(maps, (values, f) => numbersProblem(values, { name: `${at}.${key}[${f}]`, count }));
    if (wrong !== null) return wrong;
  }
  return null;
}
