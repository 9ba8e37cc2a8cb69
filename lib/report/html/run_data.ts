/**
 * A run folder as the HTML report reads it: the manifest, metrics rows,
 * confusion matrices, per-image predictions and pictures. Files a run did not
 * write (an older run, an interrupted one) are simply absent.
 *
 * @module
 */
import { isFile } from "../../_fs.ts";
import { readCsv } from "../csv.ts";
import { type Manifest, readManifest } from "../manifest.ts";
import { type MetricsRow, readMetrics } from "../metrics_csv.ts";

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

/** A run folder, read. */
export interface RunData {
  /** The folder. */
  dir: string;
  /** Its manifest. */
  manifest: Manifest;
  /** Its metrics rows. */
  rows: MetricsRow[];
  /** Confusion matrices with the class names, per arm and split. */
  confusions: { arm: string; split: string; classNames: string[]; matrix: number[][] }[];
  /** Per-image predictions (empty when not recorded). */
  predictions: PredictionRow[];
  /** Pictures per arm (empty when not recorded). */
  pictures: ArmPictures[];
  /** Height and width of the images, when pictures were recorded. */
  imageSize: { height: number; width: number } | null;
  /** The run's files the report links to, by role and name (relative to the folder); those present only. */
  files: { role: string; name: string }[];
  /** What could not be read. */
  warnings: string[];
}

/**
 * Reads a run folder for its report.
 *
 * @param dir the run folder.
 * @param options `manifest` to use instead of the folder's (the runner passes its final one).
 * @throws {Error} when there is no readable manifest.
 */
export async function readRunData(dir: string, options: { manifest?: Manifest } = {}): Promise<RunData> {
  const manifest = options.manifest ?? await readManifest(`${dir}/manifest.json`);
  const warnings: string[] = [];
  const optional = async <T>(name: string, read: (path: string) => Promise<T>, empty: T): Promise<T> => {
    const path = `${dir}/${name}`;
    if (!(await isFile(path))) return empty;
    try {
      return await read(path);
    } catch (error) {
      warnings.push((error as Error).message);
      return empty;
    }
  };
  const rows = await optional("metrics.csv", async (p) => (await readMetrics(p)).rows, []);
  const confusions = await optional("confusion.csv", readConfusions, []);
  const predictions = await optional("predictions.csv", readPredictions, []);
  const pictures = await optional("pictures.json", async (p) => JSON.parse(await Deno.readTextFile(p)), null);
  return {
    dir,
    manifest,
    files: await presentFiles(dir, manifest),
    rows,
    confusions,
    predictions,
    pictures: pictures?.arms ?? [],
    imageSize: pictures?.imageSize ?? null,
    warnings,
  };
}

/** The manifest's files (and the manifest itself) that are in the folder, the report itself left out. */
async function presentFiles(dir: string, manifest: Manifest): Promise<RunData["files"]> {
  const roles = Object.entries({ ...manifest.files, manifest: "manifest.json" }).filter(([role]) => role !== "report");
  const found = await Promise.all(roles.map(async ([role, name]) => {
    return await isFile(`${dir}/${name}`) ? [{ role, name }] : [];
  }));
  return found.flat();
}

async function readConfusions(path: string): Promise<RunData["confusions"]> {
  const out: RunData["confusions"] = [];
  for (const row of (await readCsv(path)).rows) {
    let entry = out.find((c) => c.arm === row.arm && c.split === row.split);
    if (!entry) out.push(entry = { arm: row.arm!, split: row.split!, classNames: [], matrix: [] });
    entry.classNames.push(row.true_name!);
    const counts = Object.keys(row).filter((k) => k.startsWith("predicted_")).map((k) => row[k]);
    entry.matrix.push(counts.filter((c) => c !== "").map(Number));
  }
  return out;
}

async function readPredictions(path: string): Promise<PredictionRow[]> {
  return (await readCsv(path)).rows.map((r) => ({
    arm: r.arm!,
    split: r.split!,
    index: Number(r.index),
    label: Number(r.true_class),
    predicted: Number(r.predicted_class),
    probability: Number(r.true_class_probability),
  }));
}
