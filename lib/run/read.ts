/**
 * A run folder read back whole; files a run did not write (an older run, an interrupted one) are simply absent.
 *
 * @module
 */
import { isFile } from "../_fs.ts";
import { RUN_FILES, type RunFile, runFile } from "./layout.ts";
import { type Manifest, readManifest } from "./manifest.ts";
import { type MetricsRow, readMetrics } from "./metrics.ts";
import {
  type ArmPictures,
  type Confusion,
  type PredictionRow,
  readConfusions,
  readPictures,
  readPredictions,
} from "./records.ts";

/** A run folder, read. */
export interface RunData {
  /** The folder. */
  dir: string;
  /** Its manifest. */
  manifest: Manifest;
  /** Its metrics rows. */
  rows: MetricsRow[];
  /** Confusion matrices with the class names, per arm and split. */
  confusions: Confusion[];
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

/** A file of a run folder that is there but cannot be read (cut off, or not what it should be). */
export class DamagedRunFile extends Error {
  /** The file. */
  readonly path: string;

  /** `message` names the file and what is wrong with it. */
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

/**
 * Reads a run folder for its report.
 *
 * @param options `manifest` to use instead of the folder's (the runner passes its final one); `strict` to throw
 *   for a file that is there but cannot be read, rather than leave it out and note it in `warnings`.
 * @throws {Error} when there is no readable manifest; {@linkcode DamagedRunFile} when strict.
 */
export async function readRunData(
  dir: string,
  options: { manifest?: Manifest; strict?: boolean } = {},
): Promise<RunData> {
  const manifest = options.manifest ?? await readManifest(runFile(dir, "manifest"));
  const warnings: string[] = [];
  const optional = async <T>(role: RunFile, read: (path: string) => Promise<T>, empty: T): Promise<T> => {
    const path = runFile(dir, role);
    if (!(await isFile(path))) return empty;
    try {
      return await read(path);
    } catch (error) {
      if (options.strict) throw new DamagedRunFile(path, (error as Error).message);
      warnings.push((error as Error).message);
      return empty;
    }
  };
  const rows = await optional("metrics", async (p) => (await readMetrics(p)).rows, []);
  const confusions = await optional("confusion", readConfusions, []);
  const predictions = await optional("predictions", readPredictions, []);
  const pictures = await optional("pictures", readPictures, null);
  // The manifest's files (and the manifest itself) that are in the folder, the report itself left out.
  const named = Object.entries({ ...manifest.files, manifest: RUN_FILES.manifest }).filter(([role]) =>
    role !== "report"
  );
  const present = await Promise.all(
    named.map(async ([role, name]) => await isFile(`${dir}/${name}`) && { role, name }),
  );
  return {
    dir,
    manifest,
    files: present.filter((file) => file !== false),
    rows,
    confusions,
    predictions,
    pictures: pictures?.arms ?? [],
    imageSize: pictures?.imageSize ?? null,
    warnings,
  };
}
