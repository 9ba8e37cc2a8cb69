/**
 * Each tool's config (`tools/<tool>/deno.json`) is the main config plus the tool's own packages: the same compiler
 * options, every main import resolving to the same target, and nothing the main job would download.
 */
import assert from "node:assert/strict";
import { needs } from "../lib/testing/io.ts";

interface Config {
  compilerOptions: Record<string, unknown>;
  imports: Record<string, string>;
}

const read = (path: string): Config => JSON.parse(Deno.readTextFileSync(new URL(path, import.meta.url)));
const TOOL_PACKAGES = { tfjs: /^npm:@tensorflow\//, wasm: /^npm:assemblyscript@/, browser: /^npm:puppeteer-core@/ };

Deno.test(
  "every tools/*/deno.json holds the main imports and compiler options, plus only its own packages",
  needs("read"),
  () => {
    const main = read("../deno.json");
    for (const target of Object.values(main.imports)) {
      assert.doesNotMatch(target, /tensorflow|assemblyscript|puppeteer/, "a tool's package in the main config");
    }
    for (const [tool, own] of Object.entries(TOOL_PACKAGES)) {
      const config = read(`./${tool}/deno.json`);
      assert.deepEqual(config.compilerOptions, main.compilerOptions, tool);
      for (const [name, target] of Object.entries(main.imports)) {
        const local = target.startsWith("./") ? `../../${target.slice(2)}` : target;
        assert.equal(config.imports[name], local, `${tool}: ${name}`);
      }
      const extra = Object.entries(config.imports).filter(([name]) => !(name in main.imports));
      assert.ok(extra.length > 0 && extra.every(([, target]) => own.test(target)), `${tool}: ${JSON.stringify(extra)}`);
    }
  },
);
