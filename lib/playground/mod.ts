/**
 * The browser playground: a page that trains the suite's experiments in a
 * Web Worker on the WebAssembly kernels, row for row as the command line.
 *
 * @module
 */
export * from "./bundle.ts";
export * from "./dataset.ts";
export * from "./page.ts";
export * from "./server.ts";
export * from "./session.ts";
export * from "./settings.ts";
export { startPage } from "./ui.ts";
export { type StartMessage, startWorker, type WorkerMessage } from "./worker.ts";
