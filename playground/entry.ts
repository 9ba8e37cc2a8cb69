/**
 * The playground's script, bundled for the browser: the page and its
 * worker are the same file (the worker has no `document`). It lives outside
 * `lib/` because it imports the experiments.
 *
 * @module
 */
import { startPage, startWorker } from "../lib/playground/mod.ts";
import { PLAYGROUND_EXPERIMENTS } from "./experiments.ts";

if (typeof document === "undefined") startWorker(PLAYGROUND_EXPERIMENTS);
else startPage(PLAYGROUND_EXPERIMENTS);
