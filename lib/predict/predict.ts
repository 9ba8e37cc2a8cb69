import { type Checkpoint, loadCheckpoint, readCheckpoint } from "../checkpoint/mod.ts";
import { type PixelTransform, transformFromRecord } from "../data/mod.ts";
import type { Experiment, Settings } from "../experiment/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import { checkpointPath, type Manifest, readManifestSync, runFile } from "../run/mod.ts";
import { createRng } from "../rng/mod.ts";
import { probabilities } from "./input.ts";

/** A run's model, ready to classify. */
export interface Predictor {
  /** The class names, by class index. */
  labels: readonly string[];
  /** The input of one sample, `[channels, height, width]`. */
  inputShape: readonly number[];
  /** The model, its weights from the checkpoint. */
  model: Sequential;
  /** The pixel transform the run trained with. */
  transform: PixelTransform;
  /** The checkpoint it was built from. */
  checkpoint: Checkpoint;
}

/**
 * Rebuilds a run folder's model (of `arm`, for a multi-arm run) from its manifest and checkpoint, and its pixel
 * transform; `warn` is told when the run did not complete. Throws naming the file at fault.
 */
export async function loadPredictor(
  runDir: string,
  options: { arm?: string; experiment: (name: string) => Promise<Experiment>; warn?: (line: string) => void },
): Promise<Predictor> {
  const manifest = readManifestSync(runFile(runDir, "manifest"));
  const arms = Object.keys(manifest.transforms ?? manifest.models ?? { "": "" });
  const arm = options.arm ?? "";
  if (!arms.includes(arm)) {
    const named = arms.filter((a) => a !== "").join(", ");
    const why = named === ""
      ? `a single-arm run, --arm ${arm} does not apply`
      : `${options.arm === undefined ? "a multi-arm run, give --arm" : `no arm '${arm}'`}: one of ${named}`;
    throw new Error(`${runDir}: ${why}`);
  }
  const checkpoint = readCheckpoint(checkpointPath(runDir, arm));
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  const settings = metadataJson(checkpoint, "settings", { fits: isObject, what: "an object" }) as Settings;
  const isList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  const labels = metadataJson(checkpoint, "labels", { fits: isList, what: "a list of class names" }) as string[];
  const experiment = await options.experiment(manifest.experiment);
  const model = experiment.model({ rng: createRng(0), dtype: "float32", arm, settings });
  loadCheckpoint(checkpoint, model.params());
  const transform = pixelTransform(checkpoint);
  const named = manifest.transforms?.[arm];
  if (named !== undefined && named !== transform.name) {
    throw new Error(`${checkpoint.file}: transform ${transform.name}, but the manifest names ${named}`);
  }
  const unfinished = unfinishedRun(runDir, { manifest, checkpoint, settings });
  if (unfinished !== null) options.warn?.(unfinished);
  return { labels, inputShape: model.inputShape, model, transform, checkpoint };
}

/** A checkpoint's `__metadata__` entry `key`, parsed as JSON and checked to be `expected.what`. */
function metadataJson(
  checkpoint: Checkpoint,
  key: string,
  expected: { fits: (value: unknown) => boolean; what: string },
): unknown {
  const text = metadataEntry(checkpoint, key);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${checkpoint.file}: __metadata__ '${key}' is not JSON (${(error as Error).message})`);
  }
  if (!expected.fits(value)) throw new Error(`${checkpoint.file}: __metadata__ '${key}' is not ${expected.what}`);
  return value;
}

function metadataEntry(checkpoint: Checkpoint, key: string): string {
  const value = checkpoint.metadata[key];
  if (value === undefined) throw new Error(`${checkpoint.file}: no '${key}' in __metadata__`);
  return value;
}

/** The pixel transform a checkpoint records, its statistics included. */
function pixelTransform(checkpoint: Checkpoint): PixelTransform {
  try {
    return transformFromRecord(metadataEntry(checkpoint, "transform"));
  } catch (error) {
    const why = (error as Error).message.replace(/^transformFromRecord: /, "");
    throw new Error(`${checkpoint.file}: __metadata__ 'transform' is not a pixel transform (${why})`);
  }
}

/** When the run did not complete, a line saying how it ended and which epoch its checkpoint holds. */
function unfinishedRun(
  runDir: string,
  run: { manifest: Manifest; checkpoint: Checkpoint; settings: Settings },
): string | null {
  const { manifest, checkpoint, settings } = run;
  if (manifest.status === "completed") return null;
  const detail = manifest.status_detail ? ` (${manifest.status_detail})` : "";
  const how = {
    running: "has not finished (it is still running, or was stopped without recording how)",
    interrupted: `was interrupted${detail}`,
    diverged: `diverged${detail}`,
    failed: `failed${detail}`,
  }[manifest.status] ?? `ended ${JSON.stringify(manifest.status)}${detail}`;
  const epoch = checkpoint.metadata.epoch ?? "?";
  return `${runDir}: the run ${how}, so ${checkpoint.file} holds its weights after epoch ${epoch} of ${settings.epochs}`;
}

/** Class probabilities (see `probabilities`) of images in the model's input form: bytes, before the transform. */
export function classify(predictor: Predictor, images: readonly Uint8Array[]): Float64Array[] {
  const size = predictor.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(images.length * size);
  images.forEach((image, n) => predictor.transform.apply(image, 0, x, n * size, size));
  const logits = predictor.model.forward({ data: x, shape: [images.length, ...predictor.inputShape] }, {
    training: false,
  });
  const k = logits.data.length / images.length;
  return images.map((_, n) => probabilities(Array.from(logits.data.subarray(n * k, (n + 1) * k))));
}
