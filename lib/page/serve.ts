/**
 * `deno task serve RUN_DIR [--arm NAME] [--port N]`: the draw-and-classify page of a run on 127.0.0.1, at `/`, and
 * the run's checkpoint at `/model.safetensors` (or `/model-<arm>.safetensors`); and the local server it runs on.
 *
 * @module
 */
import { type Command, integer, runCli, runMain } from "../cli/mod.ts";
import { type PageOptions, runPage } from "./page.ts";
import { checkpointName } from "../run/mod.ts";

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

/** Where a local server listens (default port 8000; 0 picks a free one), who is told its URL, what stops it. */
export interface ListenOptions {
  port?: number;
  onListen?: (url: string) => void;
  signal?: AbortSignal;
}

/**
 * Starts the server of a run's page on 127.0.0.1.
 *
 * @param runDir the run folder.
 * @throws {Error} when the run's model cannot be loaded.
 */
export async function servePage(
  runDir: string,
  options: PageOptions & ListenOptions = {},
): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const model = checkpointName(options.arm ?? "");
  const { html, checkpoint } = await runPage(runDir, { ...options, model });
  const files: Record<string, Served> = {
    "/": { type: "text/html; charset=utf-8", body: html },
    [`/${model}`]: { type: "application/octet-stream", body: await Deno.readFile(checkpoint) },
  };
  return serveLocal((path) => files[path], options);
}

/** What a local server answers a path with. */
export interface Served {
  type: string;
  body: string | Uint8Array<ArrayBuffer>;
  /** Default 200. */
  status?: number;
}

/**
 * Serves on 127.0.0.1 what `find` gives a path (404 when nothing), to GET and HEAD (the same headers, the length
 * included, and no body), when the request's `Host` names this server: `127.0.0.1` or `localhost` and the port.
 * Any other host is refused (421), so that a web page whose own name has been made to point at 127.0.0.1 (DNS
 * rebinding) cannot read what is served.
 *
 * @param find the answer for a path.
 * @param options the port (default 8000; 0 picks a free one), headers of every answer, the listener, the signal.
 */
export function serveLocal(
  find: (path: string) => Served | undefined | Promise<Served | undefined>,
  options: ListenOptions & { headers?: Record<string, string> } = {},
): Deno.HttpServer<Deno.NetAddr> {
  const refuse = (status: number, text: string, more = {}) =>
    new Response(text, { status, headers: { ...options.headers, ...more } });
  const handler = async (request: Request) => {
    const { port } = server.addr;
    const ours = [`127.0.0.1:${port}`, `localhost:${port}`, ...(port === 80 ? ["127.0.0.1", "localhost"] : [])];
    const host = request.headers.get("host")?.toLowerCase() ?? "";
    if (!ours.includes(host)) {
      return refuse(421, `misdirected request: this server answers only to ${ours[0]} (Host: ${host})\n`);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return refuse(405, "method not allowed\n", { allow: "GET, HEAD" });
    }
    const found = await find(new URL(request.url).pathname);
    if (found === undefined) return refuse(404, "not found\n");
    const bytes = typeof found.body === "string" ? new TextEncoder().encode(found.body) : found.body;
    const headers = { ...options.headers, "content-type": found.type, "content-length": String(bytes.length) };
    return new Response(request.method === "HEAD" ? null : bytes, { status: found.status ?? 200, headers });
  };
  const onListen = ({ port }: Deno.NetAddr) => options.onListen?.(`http://127.0.0.1:${port}/`);
  const { port = 8000, signal } = options;
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({ hostname: "127.0.0.1", port, onListen, signal }, handler);
  return server;
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
  options: Pick<PageOptions, "experiment"> & Pick<ListenOptions, "signal"> = {},
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
