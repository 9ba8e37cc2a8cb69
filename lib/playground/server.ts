/**
 * The playground's web server, on 127.0.0.1 only: the page at `/`, its
 * script at `/playground.js` (the page's and the worker's), what the server
 * knows of the code at `/info.json`, and each dataset's files at
 * `/data/<name>/<file>` with where they were found at
 * `/data/<name>/record.json`. Nothing else; the page fetches nothing from
 * anywhere else. Every answer says `Cross-Origin-Opener-Policy: same-origin`
 * and `Cross-Origin-Embedder-Policy: require-corp`, so the page may share
 * memory with its worker (pause and stop between any two steps).
 *
 * @module
 */
import { type DatasetName, datasetSpec, loadDataset } from "../data/mod.ts";
import type { Manifest } from "../run/mod.ts";
import type { ServedDataset } from "./dataset.ts";
import { playgroundHtml } from "./page.ts";

/** Options of {@linkcode servePlayground}. */
export interface PlaygroundServerOptions {
  /** The bundled script (see `bundleForBrowser`). */
  script: string;
  /** Default 8000; 0 picks a free one. */
  port?: number;
  /** A folder holding MNIST (`--data-dir`, or `MNIST_DATA_DIR`), and where it came from. */
  mnistDir?: { dir: string; from: "flag" | "env" };
  /** The code's commit, recorded in the page's manifests. */
  git: Manifest["git"];
  /** Stops the server. */
  signal?: AbortSignal;
  /** Called with the page's address once the server listens. */
  onListen?: (url: string) => void;
}

const HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

/**
 * Starts the playground's server.
 *
 * @param options the script, port, MNIST folder, git state and listener.
 */
export function servePlayground(options: PlaygroundServerOptions): Deno.HttpServer<Deno.NetAddr> {
  const found = new Map<DatasetName, Promise<ServedDataset>>();
  const locate = (name: DatasetName) => {
    if (!found.has(name)) found.set(name, locateDataset(name, name === "mnist" ? options.mnistDir : undefined));
    return found.get(name)!;
  };
  const html = playgroundHtml();
  const answer = (body: BodyInit | null, type: string, status = 200) =>
    new Response(body, { status, headers: { ...HEADERS, "content-type": type } });
  const handler = async (request: Request): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: { ...HEADERS, allow: "GET, HEAD" } });
    }
    const path = new URL(request.url).pathname;
    if (path === "/") return answer(html, "text/html; charset=utf-8");
    if (path === "/playground.js") return answer(options.script, "text/javascript; charset=utf-8");
    if (path === "/info.json") return answer(JSON.stringify({ git: options.git }), "application/json");
    const data = path.match(/^\/data\/(mnist|fashion-mnist)\/([\w.-]+)$/);
    if (data) {
      const name = data[1] as DatasetName, file = data[2]!;
      const served = await locate(name);
      if (file === "record.json") return answer(JSON.stringify(served), "application/json");
      if (!datasetSpec(name).files.some((f) => f.name === file)) return answer("not found\n", "text/plain", 404);
      if ("error" in served) return answer(`${served.error}\n`, "text/plain", 404);
      try {
        return answer(await Deno.readFile(`${served.dir}/${file}`), "application/octet-stream");
      } catch (error) {
        return answer(`${(error as Error).message}\n`, "text/plain", 404);
      }
    }
    return answer("not found\n", "text/plain", 404);
  };
  const onListen = ({ port }: Deno.NetAddr) => options.onListen?.(`http://127.0.0.1:${port}/`);
  return Deno.serve({ hostname: "127.0.0.1", port: options.port ?? 8000, onListen, signal: options.signal }, handler);
}

/** Where a dataset is, found as the command line finds it (no download), or the command line's message. */
async function locateDataset(
  name: DatasetName,
  explicit?: { dir: string; from: "flag" | "env" },
): Promise<ServedDataset> {
  try {
    const { record } = await loadDataset(name, {
      dataDir: explicit?.dir,
      dataDirSource: explicit?.from,
      download: false,
    });
    return { source: record.source, dir: record.dir };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
