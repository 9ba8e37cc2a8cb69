/**
 * The run folder, its one home: layout and file names, the manifest, metrics
 * rows, confusion matrices, predictions, pictures, checkpoints' names,
 * writing into a folder, reading a whole run back, and finding runs.
 *
 * @module
 */
export * from "./csv.ts";
export * from "./files.ts";
export * from "./find.ts";
export * from "./layout.ts";
export * from "./manifest.ts";
export * from "./metrics.ts";
export * from "./read.ts";
export * from "./records.ts";
