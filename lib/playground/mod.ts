/**
 * The browser playground: a page that trains the suite's experiments in a
 * Web Worker on the WebAssembly kernels, row for row as the command line.
 *
 * @module
 */
export { bundleForBrowser, playgroundScript } from "./bundle.ts";
export { type PlaygroundServerOptions, servePlayground } from "./server.ts";
