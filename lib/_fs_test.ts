import assert from "node:assert/strict";
import { isFile, pathKind, writeAtomically } from "./_fs.ts";
import { needs, withTempDir } from "./testing/io.ts";

const io = needs("read", "write");

Deno.test("pathKind() and isFile() tell a file, a directory and nothing apart", io, () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, "a");
    assert.deepEqual(
      [await pathKind(`${dir}/a`), await pathKind(dir), await pathKind(`${dir}/none`)],
      ["file", "directory", "missing"],
    );
    assert.deepEqual([await isFile(`${dir}/a`), await isFile(dir)], [true, false]);
  }));

Deno.test(
  "writeAtomically() replaces a file whole, and leaves no temporary file when it fails",
  io,
  () =>
    withTempDir(async (dir) => {
      writeAtomically(`${dir}/a`, "old");
      writeAtomically(`${dir}/a`, new TextEncoder().encode("new"));
      assert.equal(await Deno.readTextFile(`${dir}/a`), "new");
      await Deno.mkdir(`${dir}/b/c`, { recursive: true }); // a non-empty directory cannot be renamed over
      assert.throws(() => writeAtomically(`${dir}/b`, "x"));
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a", "b"]);
    }),
);
