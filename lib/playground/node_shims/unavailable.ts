/**
 * The `node:` functions `lib/` imports that a page never calls (file hashing, zlib, Buffer, globbing, require, file
 * URLs, the CPU): each throws, naming itself, should a page ever reach it.
 *
 * @module
 */

const missing = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser`);
};

/** Not in the browser (the page hashes with `crypto.subtle`). */
export const createHash: () => never = missing("node:crypto createHash");
/** Not in the browser (the page decompresses with `DecompressionStream`). */
export const gunzipSync: () => never = missing("node:zlib gunzipSync");
/** Not in the browser. */
export const gzipSync: () => never = missing("node:zlib gzipSync");
/** Not in the browser. */
export const glob: () => never = missing("node:fs/promises glob");
/** Not in the browser. */
export const createRequire: () => never = missing("node:module createRequire");
/** Not in the browser. */
export const fileURLToPath: () => never = missing("node:url fileURLToPath");
/** Not in the browser. */
export const pathToFileURL: () => never = missing("node:url pathToFileURL");
/** Not in the browser (the page records the browser, not the machine's CPU). */
export const cpus: () => never = missing("node:os cpus");
/** Not in the browser. */
export const Buffer = { from: missing("node:buffer Buffer") };

/** `cli-progress`, whose terminal bar the page does not draw (it has its own). */
export default { SingleBar: missing("cli-progress"), Presets: {} };
