/**
 * The browser bundles (`deno bundle`) of the draw-and-classify page and the
 * playground, the `node:` built-ins that `lib/` imports mapped to `node_shims/`.
 *
 * @module
 */
import { EXPERIMENTS_DIR, listExperiments } from "../experiment/mod.ts";
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

/** The csv packages reach for a global `Buffer` as they load (`from` of a byte-order mark, `isBuffer`). */
const BUFFER_PRELUDE = `globalThis.Buffer ??= class Buffer extends Uint8Array {
  static from(value) { return new Buffer(typeof value === "string" ? new TextEncoder().encode(value) : value); }
  static isBuffer(value) { return value instanceof Buffer; }
  toString() { return new TextDecoder().decode(this); }
};
`;

/**
 * The bundled script of the module `entry` (a path) and all it imports.
 *
 * @throws {Error} with `deno bundle`'s message when bundling fails.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}deno.json`));
  const shims = Object.entries(SHIMS).map((
    [name, file],
  ) => [name, new URL(`node_shims/${file}`, import.meta.url).href]);
  // A data: URL, so that bundling writes no file.
  const map = btoa(JSON.stringify({ imports: { ...config.imports, ...Object.fromEntries(shims) } }));
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--import-map",
    `data:application/json;base64,${map}`,
    entry,
  ];
  // cwd: the project's deno.json and lockfile, wherever the user is.
  const output = await new Deno.Command("deno", { args, cwd: PROJECT_ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!output.success) throw new Error(`deno bundle ${entry} failed: ${decode(output.stderr)}`);
  return BUFFER_PRELUDE + decode(output.stdout);
}

/**
 * The playground's script, the page's and its worker's (which has no `document`), with every experiment the
 * registry lists (`deno bundle` takes only a file, so its entry is written to a temporary one).
 */
export async function playgroundScript(): Promise<string> {
  const names = (await listExperiments()).map((e) => e.name);
  const entry = await Deno.makeTempFile({ prefix: "playground_", suffix: ".ts" });
  const lines = [
    `import { startPage } from "${new URL("./ui.ts", import.meta.url)}";`,
    `import { startWorker } from "${new URL("./worker.ts", import.meta.url)}";`,
    ...names.map((name, i) => `import * as e${i} from "${new URL(`file://${EXPERIMENTS_DIR}/${name}.ts`)}";`),
    `const modules = [${names.map((_, i) => `e${i}`)}], names = ${JSON.stringify(names)};`,
    "const experiments = modules.map((m, i) => Object.values(m).find((e) => e?.name === names[i]));",
    `if (typeof document === "undefined") startWorker(experiments); else startPage(experiments);`,
  ];
  try {
    await Deno.writeTextFile(entry, lines.join("\n"));
    return await bundleForBrowser(entry);
  } finally {
    await Deno.remove(entry);
  }
}
