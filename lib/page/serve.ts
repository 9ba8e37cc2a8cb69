/**
 * `deno task serve RUN_DIR [--arm NAME] [--port N]`: the draw-and-classify
 * page of a run on a local web server (127.0.0.1), which serves the page at
 * `/` and the run's checkpoint at `/model.safetensors` (or
 * `/model-<arm>.safetensors`), and answers anything else with 404 (405 for a
 * method other than GET or HEAD).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Experiment } from "../experiment/mod.ts";
import { experimentNamed } from "../predict/main.ts";
import { loadPredictor } from "../predict/mod.ts";
import { bundleScript, pageConfig, pageHtml } from "./page.ts";
import { runFromUserCwd } from "../_fs.ts";
import { checkpointName, runTitle } from "../run/mod.ts";

/** The `--help` text. */
export const HELP = `Usage: deno task serve RUN_DIR [--arm NAME] [--port N]

Serves the run's draw-and-classify page on http://127.0.0.1:N/ (default N:
8000; 0 picks a free port, printed): draw with the mouse or a finger and see
the class probabilities, the 28x28 input and the first layer's feature maps,
computed in the browser by the project's own code and the run's checkpoint.
Only the page and the run's model are served. Ctrl-C stops it.

Exit codes: 2 bad input (no run, an unknown arm, a bad checkpoint, a bad port).`;

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
    experiment: options.experiment ?? experimentNamed,
  });
  const model = `/${checkpointName(options.arm ?? "")}`;
  const title = runTitle(runDir, options.arm);
  const html = pageHtml(title, pageConfig(predictor, model.slice(1)), await bundleScript());
  const weights = await Deno.readFile(predictor.checkpoint.file);
  const files: Record<string, [string, BodyInit]> = {
    "/": ["text/html; charset=utf-8", html],
    [model]: ["application/octet-stream", weights],
  };
  const handler = (request: Request): Response => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const file = files[new URL(request.url).pathname];
    if (file === undefined) return new Response("not found\n", { status: 404 });
    return new Response(request.method === "HEAD" ? null : file[1], { headers: { "content-type": file[0] } });
  };
  const onListen = ({ port }: Deno.NetAddr) => options.onListen?.(`http://127.0.0.1:${port}/`);
  return Deno.serve({ hostname: "127.0.0.1", port: options.port ?? 8000, onListen }, handler);
}

/**
 * Runs the command line: serves until the process is stopped, or returns 2 on bad input.
 *
 * @param args `Deno.args`.
 */
export async function serveCli(args: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { arm: { type: "string" }, port: { type: "string" }, help: { type: "boolean" } },
    });
    if (values.help) return console.log(HELP), 0;
    const [runDir, ...rest] = positionals;
    if (runDir === undefined || rest.length > 0) throw new Error("expected one run folder");
    const port = Number(values.port ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a port`);
    const server = await servePage(runDir, { arm: values.arm, port, onListen: (url) => console.log(url) });
    await server.finished;
    return 0;
  } catch (error) {
    console.error(`serve: ${(error as Error).message}`);
    return 2;
  }
}

if (import.meta.main) await runFromUserCwd(serveCli);
