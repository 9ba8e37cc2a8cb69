/**
 * `deno task serve RUN_DIR [--arm NAME] [--port N]`: the draw-and-classify
 * page of a run on a local web server (127.0.0.1), which serves the page at
 * `/` and the run's checkpoint at `/model.safetensors` (or
 * `/model-<arm>.safetensors`), and answers anything else with 404 (405 for a
 * method other than GET or HEAD, 421 for a `Host` other than its own).
 *
 * @module
 */
import { type Command, integer, runCli, runMain } from "../cli/mod.ts";
import { type Experiment, findExperiment } from "../experiment/mod.ts";
import { loadPredictor } from "../predict/mod.ts";
import { bundleScript, pageConfig, pageHtml } from "./page.ts";
import { checkpointName, runTitle } from "../run/mod.ts";

const FLAGS = {
  arm: { value: "NAME", help: "the arm of a multi-arm run" },
  port: { value: "N", type: integer(0, 65535), default: 8000, help: "the port; 0 picks a free one (printed)" },
} as const;

/** The command: its flag table and --help text. */
export const SERVE: Command<typeof FLAGS> = {
  task: "serve",
  usage: "RUN_DIR",
  positionals: { min: 1, max: 1 },
  about: `Serves the run's draw-and-classify page on http://127.0.0.1:N/: draw with the
mouse or a finger and see the class probabilities, the 28x28 input and the first
layer's feature maps, computed in the browser by the project's own code and the
run's checkpoint. Only the page and the run's model are served. Ctrl-C stops it.`,
  flags: FLAGS,
  notes: "Exit codes: 2 bad input (no run, an unknown arm, a bad checkpoint, a bad port).",
};

/** Options of {@linkcode servePage}. */
export interface ServeOptions {
  /** The arm of a multi-arm run. */
  arm?: string;
  /** Default 8000; 0 picks a free one. */
  port?: number;
  /** How to find an experiment by name; default `experiments/<name>.ts`. */
  experiment?: (name: string) => Promise<Experiment>;
  /** Called with the page's URL once the server listens. */
  onListen?: (url: string) => void;
  /** Told, in one line, when the run did not complete (as `predict` tells it). */
  warn?: (line: string) => void;
  /** Stops the server when aborted (default: it serves until the process is stopped). */
  signal?: AbortSignal;
}

/**
 * Starts the server of a run's page on 127.0.0.1.
 *
 * @param runDir the run folder.
 * @throws {Error} when the run's model cannot be loaded.
 */
export async function servePage(runDir: string, options: ServeOptions = {}): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const predictor = await loadPredictor(runDir, {
    arm: options.arm,
    experiment: options.experiment ?? findExperiment,
    warn: options.warn,
  });
  const model = `/${checkpointName(options.arm ?? "")}`;
  const title = runTitle(runDir, options.arm);
  const html = pageHtml(title, pageConfig(predictor, model.slice(1)), await bundleScript());
  const weights = await Deno.readFile(predictor.checkpoint.file);
  const files: Record<string, [string, Uint8Array<ArrayBuffer>]> = {
    "/": ["text/html; charset=utf-8", new TextEncoder().encode(html)],
    [model]: ["application/octet-stream", weights],
  };
  const onListen = ({ port }: Deno.NetAddr) => options.onListen?.(`http://127.0.0.1:${port}/`);
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 8000, onListen, signal: options.signal },
    (request) => answer(request, { files, port: server.addr.port }),
  );
  return server;
}

/**
 * The answer to one request: a file of `files` by its path, to GET and HEAD
 * (the same headers, its length included, and no body), when the request
 * names this server in its `Host` header: `127.0.0.1` or `localhost` and the
 * port. Any other host is refused (421), so that a web page whose own name
 * has been made to point at 127.0.0.1 (DNS rebinding) cannot read the model.
 */
function answer(
  request: Request,
  server: { files: Record<string, [string, Uint8Array<ArrayBuffer>]>; port: number },
): Response {
  const { files, port } = server;
  const ours = [`127.0.0.1:${port}`, `localhost:${port}`, ...(port === 80 ? ["127.0.0.1", "localhost"] : [])];
  const host = request.headers.get("host")?.toLowerCase() ?? "";
  if (!ours.includes(host)) {
    return new Response(`misdirected request: this server answers only to ${ours[0]} (Host: ${host})\n`, {
      status: 421,
    });
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const file = files[new URL(request.url).pathname];
  if (file === undefined) return new Response("not found\n", { status: 404 });
  const [type, bytes] = file;
  const headers = { "content-type": type, "content-length": String(bytes.length) };
  return new Response(request.method === "HEAD" ? null : bytes, { headers });
}

/**
 * Runs the command line: serves until the process is stopped (or `signal` aborted), or returns 2 on bad input.
 *
 * @param args `Deno.args`.
 * @param options how to find an experiment by name (tests give the tiny one), default `experiments/<name>.ts`;
 *   `signal` stops the server.
 */
export function serveCli(
  args: string[],
  options: Pick<ServeOptions, "experiment" | "signal"> = {},
): Promise<number> {
  return runCli(SERVE, args, {
    errorCode: 2,
    run: async ({ values, positionals: [runDir] }) => {
      const server = await servePage(runDir!, {
        ...options,
        arm: values.arm,
        port: values.port,
        onListen: (url) => console.log(url),
        warn: (line) => console.error(`warning: ${line}`),
      });
      await server.finished;
      return 0;
    },
  });
}

if (import.meta.main) await runMain(serveCli);
