/**
 * Training-speed benchmarks (`deno task bench`).
 *
 * @module
 */
export * from "./bench.ts";
export * from "./torch.ts";
