/**
 * The draw-and-classify page: a run's model rebuilt in the browser with the project's own layers.
 *
 * @module
 */
export * from "./network.ts";
export { type PageOptions, runPage } from "./page.ts";
