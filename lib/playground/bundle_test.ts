import assert from "node:assert/strict";
import { needs, withTempDir } from "../testing/io.ts";
import { playgroundScript } from "./bundle.ts";

Deno.test(
  "the playground's script offers every experiment the registry finds in the folder, and nothing else",
  needs("read", "write", "env", { name: "run", command: "deno" }),
  () =>
    withTempDir(async (dir) => {
      const tiny = new URL("../testing/tiny_experiment.ts", import.meta.url).href;
      await Deno.writeTextFile(`${dir}/tiny.ts`, `export { tinyExperiment } from "${tiny}";`);
      await Deno.writeTextFile(`${dir}/tiny_arms.ts`, `export { tinyArmsExperiment } from "${tiny}";`);
      await Deno.writeTextFile(`${dir}/script.ts`, "export const notAnExperiment = 1;");
      await Deno.writeTextFile(`${dir}/tiny_test.ts`, "throw new Error('a test is no experiment');");
      // A page that keeps what it is offered.
      await Deno.writeTextFile(`${dir}/page.js`, "export function startPage(e) { globalThis.offered = e; }");
      const script = await playgroundScript(new URL(`file://${dir}/page.js`), dir);
      // Run as the page runs it: from the server's address, not a file.
      await Deno.writeTextFile(
        `${dir}/bundle.js`,
        script.replaceAll("import.meta.url", '"http://127.0.0.1/playground.js"'),
      );
      const scope = globalThis as { document?: unknown; offered?: { name: string; title: string }[] };
      scope.document = {}; // the page's side of the script, not the worker's
      try {
        await import(`file://${dir}/bundle.js`);
      } finally {
        delete scope.document;
      }
      assert.deepEqual(scope.offered?.map((e) => e.name), ["tiny", "tiny_arms"]);
      assert.ok(scope.offered.every((e) => typeof e.title === "string"));
    }),
);
