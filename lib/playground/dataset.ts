/**
 * The playground's data in the browser: each file fetched from the server, its SHA-256 (`crypto.subtle`) checked
 * against the registry, decompressed (`DecompressionStream`) and decoded as the command line does, with its messages.
 *
 * @module
 */
import {
  checkSha256,
  type DatasetFileRecord,
  type DatasetName,
  datasetSpec,
  decodeIdx,
  idxGunzipError,
  idxSplit,
  isIdxGzip,
  type LoadedDataset,
} from "../data/mod.ts";

/** Where the server found a dataset (`/data/<name>/record.json`), or why it found none. */
export type ServedDataset = { source: string; dir: string } | { error: string };

/** Lower-case hex of a SHA-256 computed by the browser. */
async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The decompressed bytes of a gzip file. */
async function gunzip(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw idxGunzipError(path, error);
  }
}

/** One file: fetched, checked and decoded. */
async function loadFile(name: DatasetName, file: string, dir: string, base: string) {
  const path = `${dir}/${file}`;
  const response = await fetch(`${base}data/${name}/${file}`);
  if (!response.ok) throw new Error(`cannot read data file ${path}: ${(await response.text()).trim()}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const expectedSha256 = Object.fromEntries(datasetSpec(name).files.map((f) => [f.name, f.sums.map((s) => s.sha256)]));
  const record: DatasetFileRecord = checkSha256(await sha256(bytes), path, { expectedSha256 });
  const inflated = isIdxGzip(bytes, path) ? await gunzip(bytes, path) : bytes;
  return { record, idx: decodeIdx(bytes, path, { inflated }) };
}

/**
 * Loads a dataset from the serving address `base` (ending in `/`).
 *
 * @throws {Error} the command line's message when the server found no copy, or a file is missing or modified.
 */
export async function fetchDataset(name: DatasetName, base: string): Promise<LoadedDataset> {
  const spec = datasetSpec(name);
  const served: ServedDataset = await (await fetch(`${base}data/${name}/record.json`)).json();
  if ("error" in served) throw new Error(served.error);
  const split = async (files: { images: string; labels: string }) => {
    const images = await loadFile(name, files.images, served.dir, base);
    const labels = await loadFile(name, files.labels, served.dir, base);
    const paths = { imagesPath: `${served.dir}/${files.images}`, labelsPath: `${served.dir}/${files.labels}` };
    return {
      set: idxSplit(images.idx, labels.idx, { ...paths, classNames: spec.classNames }),
      files: [images, labels],
    };
  };
  const train = await split(spec.train), test = await split(spec.test);
  const files = [...train.files, ...test.files].map((f) => f.record);
  return {
    train: train.set,
    test: test.set,
    record: { name, source: served.source, dir: served.dir, files, modified: false },
    tried: [`${served.source} ${served.dir}: fetched from the playground's server`],
  };
}
