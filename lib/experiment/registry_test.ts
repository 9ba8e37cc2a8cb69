import assert from "node:assert/strict";
import { UsageError } from "../cli/mod.ts";
import { needs, withTempDir } from "../testing/io.ts";
import { experimentFromFile, experimentNames, findExperiment, listExperiments } from "./registry.ts";

const TINY = new URL("../testing/tiny_experiment.ts", import.meta.url).href;

/** An experiments folder: `tiny.ts` (the tiny experiment), `misnamed.ts` (it again) and `script.ts` (none). */
async function folder(dir: string): Promise<void> {
  await Deno.writeTextFile(`${dir}/tiny.ts`, `export { tinyExperiment } from "${TINY}";\n`);
  await Deno.writeTextFile(`${dir}/misnamed.ts`, `export { tinyExperiment } from "${TINY}";\n`);
  await Deno.writeTextFile(`${dir}/script.ts`, "export const rounds = 7;\n");
  await Deno.writeTextFile(`${dir}/tiny_test.ts`, "");
}

Deno.test(
  "the registry finds an experiment by its file's name and lists only files exporting one",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      await folder(dir);
      assert.deepEqual(experimentNames(dir), ["misnamed", "script", "tiny"], "tests left out");
      assert.equal((await findExperiment("tiny", dir)).name, "tiny");
      assert.equal((await experimentFromFile(`${dir}/misnamed.ts`)).name, "tiny", "a path takes its one experiment");
      assert.deepEqual((await listExperiments(dir)).map((e) => e.name), ["tiny"]);
      const refused = async (name: string, message: RegExp, hint: RegExp) =>
        await assert.rejects(
          findExperiment(name, dir),
          (e) => e instanceof UsageError && message.test(e.message) && hint.test(e.hint!),
        );
      await refused(
        "tiyn",
        /^unknown experiment 'tiyn'$/,
        /^did you mean tiny\? known: misnamed, script, tiny; a new one goes in/,
      );
      await refused(
        "misnamed",
        /misnamed\.ts exports experiment 'tiny', not 'misnamed'/,
        /name the file after the experiment/,
      );
      await refused(
        "script",
        /script\.ts exports no experiment/,
        /export const script: Experiment = \{ name: "script"/,
      );
    }),
);
