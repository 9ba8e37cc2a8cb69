/**
 * `deno task playground [--data-dir DIR] [--port N]`: serves the browser
 * playground on 127.0.0.1 and prints its address.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { gitState } from "../lib/mod.ts";
import { bundleForBrowser, servePlayground } from "../lib/playground/mod.ts";

/** The `--help` text. */
export const HELP = `Usage: deno task playground [--data-dir DIR] [--port N]

Serves the playground on http://127.0.0.1:N/ (default N: 8000; 0 picks a free
port, printed): pick an experiment and its settings (the command line's flags),
press Train, and watch it train in the browser on the WebAssembly kernels, with
its curves, filters, feature maps and confusion matrix; download metrics.csv,
manifest.json and model.safetensors. The same settings give the same
metrics.csv as deno task exp:NAME (apart from elapsed_s). A link is a run:
?experiment=zhou&seed=3&epochs=2&train-limit=500&autostart=1.

  --data-dir DIR  the folder holding MNIST (default: $MNIST_DATA_DIR, then the usual places)
  --port N        the port (default 8000)

Only the page, its script and the datasets' files are served. Ctrl-C stops it.
Exit codes: 2 bad input (a bad flag, a bad port).`;

/**
 * Runs the command line: serves until stopped, or returns 2 on bad input.
 *
 * @param args `Deno.args`.
 * @param options `onListen` is told the address, `signal` stops the server (tests); the environment's MNIST folder.
 */
export async function playgroundCli(
  args: string[],
  options: { onListen?: (url: string) => void; env?: { mnistDir?: string }; cwd?: string; signal?: AbortSignal } = {},
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: { "data-dir": { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
    }).values;
  } catch (error) {
    console.error(`playground: ${(error as Error).message} (see --help)`);
    return 2;
  }
  if (values.help) return console.log(HELP), 0;
  const port = Number(values.port ?? 8000);
  if (!/^\d+$/.test(values.port ?? "8000") || port > 65535) {
    console.error(`playground: --port: got '${values.port}', expected a port from 0 to 65535`);
    return 2;
  }
  if (values["data-dir"] === "") {
    console.error("playground: --data-dir: got an empty path, expected a folder");
    return 2;
  }
  const cwd = options.cwd ?? Deno.env.get("INIT_CWD") ?? Deno.cwd();
  const flagDir = values["data-dir"], envDir = options.env?.mnistDir ?? Deno.env.get("MNIST_DATA_DIR");
  const mnistDir = flagDir
    ? { dir: resolve(cwd, flagDir), from: "flag" as const }
    : envDir
    ? { dir: resolve(cwd, envDir), from: "env" as const }
    : undefined;
  const script = await bundleForBrowser(new URL("./entry.ts", import.meta.url).pathname);
  const git = await gitState(new URL("..", import.meta.url).pathname);
  const server = servePlayground({
    script,
    port,
    mnistDir,
    signal: options.signal,
    git,
    onListen: options.onListen ?? ((url) => console.log(url)),
  });
  await server.finished;
  return 0;
}

if (import.meta.main) Deno.exit(await playgroundCli(Deno.args));
