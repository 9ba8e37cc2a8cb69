/**
 * The browser bundles (`deno bundle`) of the draw-and-classify page and the
 * playground, the `node:` built-ins that `lib/` imports mapped to `node_shims/`.
 *
 * @module
 */
import { EXPERIMENTS_DIR, listExperiments } from "../experiment/mod.ts";
import { PROJECT_ROOT } from "../_fs.ts";

/** What a page never calls: stand-ins that throw. */
const UNAVAILABLE = "crypto zlib url buffer fs/promises module os".split(" ").map((name) => `node:${name}`);
const SHIMS: Record<string, string> = {
  "node:path": "path.ts",
  "node:util": "util.ts",
  ...Object.fromEntries([...UNAVAILABLE, "cli-progress"].map((name) => [name, "unavailable.ts"])),
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
  const { imports } = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}deno.json`));
  for (const [name, file] of Object.entries(SHIMS)) imports[name] = new URL(`node_shims/${file}`, import.meta.url).href;
  // A data: URL, so that bundling writes no file; run in the project, for its deno.json and lockfile.
  const map = `data:application/json;base64,${btoa(JSON.stringify({ imports }))}`;
  const args = ["bundle", "--quiet", "--platform", "browser", "--import-map", map, entry];
  const output = await new Deno.Command("deno", { args, cwd: PROJECT_ROOT, stdout: "piped", stderr: "piped" }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!output.success) throw new Error(`deno bundle ${entry} failed: ${decode(output.stderr)}`);
  return BUFFER_PRELUDE + decode(output.stdout);
}

/**
 * The playground's script, the page's (`page`: the module exporting `startPage`) and its worker's (which has no
 * `document`), with every experiment the registry lists in `dir`. `deno bundle` takes only a file: the entry is a
 * temporary one.
 */
export async function playgroundScript(page: URL, dir: string = EXPERIMENTS_DIR): Promise<string> {
  const names = (await listExperiments(dir)).map((e) => e.name);
  const lines = [
    `import { startPage } from "${page.href}";`,
    `import { startWorker } from "${new URL("./worker.ts", import.meta.url)}";`,
    ...names.map((name, i) => `import * as e${i} from "${new URL(`file://${dir}/${name}.ts`)}";`),
    `const modules = [${names.map((_, i) => `e${i}`)}], names = ${JSON.stringify(names)};`,
    "const experiments = modules.map((m, i) => Object.values(m).find((e) => e?.name === names[i]));",
    `if (typeof document === "undefined") startWorker(experiments); else startPage(experiments);`,
  ];
  const entry = await Deno.makeTempFile({ prefix: "playground_", suffix: ".ts" });
  try {
    await Deno.writeTextFile(entry, lines.join("\n"));
    return await bundleForBrowser(entry);
  } finally {
    await Deno.remove(entry);
  }
}
