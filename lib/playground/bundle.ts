/**
 * Bundles a module and everything it imports (the experiments, so all of
 * `lib/`) into one browser script with `deno bundle`, the `node:` built-ins
 * that `lib/` imports mapped to the stand-ins in `node_shims/`.
 *
 * @module
 */

import { PROJECT_ROOT } from "../_fs.ts";
const SHIMS: Record<string, string> = {
  "node:path": "path.ts",
  "node:util": "util.ts",
  "node:crypto": "unavailable.ts",
  "node:zlib": "unavailable.ts",
  "node:url": "unavailable.ts",
  "node:buffer": "unavailable.ts",
  "node:fs/promises": "unavailable.ts",
  "node:module": "unavailable.ts",
  "node:os": "unavailable.ts",
  "cli-progress": "unavailable.ts",
};

/**
 * Run before the bundle: the csv packages reach for a global `Buffer` as they load (`Buffer.from` of a
 * byte-order mark, `Buffer.isBuffer` of their options); this one answers those, on `Uint8Array`.
 */
const BUFFER_PRELUDE = `globalThis.Buffer ??= class Buffer extends Uint8Array {
  static from(value) { return new Buffer(typeof value === "string" ? new TextEncoder().encode(value) : value); }
  static isBuffer(value) { return value instanceof Buffer; }
  toString() { return new TextDecoder().decode(this); }
};
`;

/**
 * The bundled script of `entry`.
 *
 * @param entry the module's path.
 * @throws {Error} with `deno bundle`'s message when bundling fails.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}deno.json`));
  const shims = Object.fromEntries(
    Object.entries(SHIMS).map(([name, file]) => [name, new URL(`node_shims/${file}`, import.meta.url).href]),
  );
  // A data: URL, so that bundling writes no file.
  const importMap = `data:application/json;base64,${
    btoa(JSON.stringify({ imports: { ...config.imports, ...shims } }))
  }`;
  const args = ["bundle", "--quiet", "--platform", "browser", "--import-map", importMap, entry];
  const output = await new Deno.Command("deno", { args, cwd: PROJECT_ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!output.success) throw new Error(`deno bundle ${entry} failed: ${decode(output.stderr)}`);
  return BUFFER_PRELUDE + decode(output.stdout);
}
