/**
 * `deno task playground [--data-dir DIR] [--port N]`: serves the browser
 * playground on 127.0.0.1 and prints its address.
 *
 * @module
 */
import { type Command, integer, path, runCli, runMain } from "../lib/cli/mod.ts";
import { resolve } from "node:path";
import { gitState } from "../lib/mod.ts";
import { playgroundScript, servePlayground } from "../lib/playground/mod.ts";

const FLAGS = {
  "data-dir": {
    value: "DIR",
    type: path,
    defaultText: "$MNIST_DATA_DIR, then the usual places",
    help: "the folder holding MNIST",
  },
  port: { value: "N", type: integer(0, 65535), default: 8000, help: "the port; 0 picks a free one (printed)" },
} as const;

/** The command: its flag table and --help text. */
export const PLAYGROUND: Command<typeof FLAGS> = {
  task: "playground",
  about: [
    "Serves the playground on http://127.0.0.1:N/: pick an experiment and its settings (the command line's flags),",
    "press Train, and watch it train in the browser on the WebAssembly kernels, with its curves, filters, feature",
    "maps and confusion matrix; download metrics.csv, manifest.json and model.safetensors. The same settings give",
    "the same metrics.csv as deno task exp NAME (apart from elapsed_s). A link is a run:",
    "?experiment=zhou&seed=3&epochs=2&train-limit=500&autostart=1. Only the page, its script and the datasets'",
    "files are served. Ctrl-C stops it.",
  ].join("\n"),
  flags: FLAGS,
  notes: "Exit codes: 0 stopped, 2 bad flags.",
};

/**
 * Runs the command line: serves until stopped, or returns 2 on bad input.
 *
 * @param args `Deno.args`.
 * @param options `onListen` is told the address, `signal` stops the server (tests); the environment's MNIST folder.
 */
export function playgroundCli(
  args: string[],
  options: { onListen?: (url: string) => void; env?: { mnistDir?: string }; signal?: AbortSignal } = {},
): Promise<number> {
  return runCli(PLAYGROUND, args, {
    run: async ({ values }) => {
      const flagDir = values["data-dir"], envDir = options.env?.mnistDir ?? Deno.env.get("MNIST_DATA_DIR");
      const mnistDir = flagDir
        ? { dir: resolve(flagDir), from: "flag" as const }
        : envDir
        ? { dir: resolve(envDir), from: "env" as const }
        : undefined;
      const html = await Deno.readTextFile(new URL("./index.html", import.meta.url));
      const script = await playgroundScript(new URL("./ui.ts", import.meta.url));
      const git = await gitState(new URL("..", import.meta.url).pathname);
      const server = servePlayground({
        html,
        script,
        port: values.port,
        mnistDir,
        signal: options.signal,
        git,
        onListen: options.onListen ?? ((url) => console.log(url)),
      });
      await server.finished;
      return 0;
    },
  });
}

if (import.meta.main) await runMain(playgroundCli);
