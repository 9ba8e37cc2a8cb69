/**
 * The playground's web server, on 127.0.0.1 only: the page at `/`, its script (the page's and the worker's) at
 * `/playground.js`, the code's commit at `/info.json`, and each dataset's files at `/data/<name>/<file>` with where
 * they were found at `/data/<name>/record.json`; nothing else. Every answer is cross-origin isolated, so the page
 * may share memory with its worker (pause and stop between any two steps).
 *
 * @module
 */
import { type DatasetName, datasetSpec, loadDataset } from "../data/mod.ts";
import { type ListenOptions, type Served, serveLocal } from "../page/serve.ts";
import type { Manifest } from "../run/mod.ts";
import type { ServedDataset } from "./dataset.ts";

/** Options of {@linkcode servePlayground}. */
export interface PlaygroundServerOptions extends ListenOptions {
  /** The page (`playground/index.html`) and its script (`playgroundScript`). */
  html: string;
  script: string;
  /** A folder holding MNIST (`--data-dir`, or `MNIST_DATA_DIR`), and where it came from. */
  mnistDir?: { dir: string; from: "flag" | "env" };
  /** The code's commit, recorded in the page's manifests. */
  git: Manifest["git"];
}

const HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

/** Starts the playground's server. */
export function servePlayground(options: PlaygroundServerOptions): Deno.HttpServer<Deno.NetAddr> {
  const found = new Map<DatasetName, Promise<ServedDataset>>();
  const json = (value: unknown): Served => ({ type: "application/json", body: JSON.stringify(value) });
  const files: Record<string, Served> = {
    "/": { type: "text/html; charset=utf-8", body: options.html },
    "/playground.js": { type: "text/javascript; charset=utf-8", body: options.script },
    "/info.json": json({ git: options.git }),
  };
  const data = async (name: DatasetName, file: string): Promise<Served | undefined> => {
    if (!found.has(name)) found.set(name, locateDataset(name, name === "mnist" ? options.mnistDir : undefined));
    const served = await found.get(name)!;
    if (file === "record.json") return json(served);
    if (!datasetSpec(name).files.some((f) => f.name === file)) return undefined;
    const missing = (text: string): Served => ({ type: "text/plain", body: `${text}\n`, status: 404 });
    if ("error" in served) return missing(served.error);
    return await Deno.readFile(`${served.dir}/${file}`).then(
      (body) => ({ type: "application/octet-stream", body }),
      (error) => missing(error.message),
    );
  };
  return serveLocal((path) => {
    const match = path.match(/^\/data\/(mnist|fashion-mnist)\/([\w.-]+)$/);
    return match ? data(match[1] as DatasetName, match[2]!) : files[path];
  }, { ...options, headers: HEADERS });
}

/** Where a dataset is, found as the command line finds it (no download), or the command line's message. */
async function locateDataset(
  name: DatasetName,
  explicit?: { dir: string; from: "flag" | "env" },
): Promise<ServedDataset> {
  try {
    const options = { dataDir: explicit?.dir, dataDirSource: explicit?.from, download: false };
    const { record } = await loadDataset(name, options);
    return { source: record.source, dir: record.dir };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
