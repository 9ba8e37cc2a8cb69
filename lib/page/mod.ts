/**
 * The draw-and-classify page: a run's model in one HTML file, run by a small forward pass in the browser.
 *
 * @module
 */
export * from "./forward.ts";
export * from "./page.ts";
