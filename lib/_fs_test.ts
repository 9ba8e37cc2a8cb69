import assert from "node:assert/strict";
import { isFile, pathKind, writeAllAtomically, writeAtomically } from "./_fs.ts";
import { fullDisk, needs, withTempDir } from "./testing/io.ts";

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

Deno.test(
  "writeAllAtomically() on a full disk changes none of the files and leaves no temporary or empty file",
  io,
  () =>
    withTempDir(async (dir) => {
      writeAllAtomically([[`${dir}/page`, "old page"], [`${dir}/spec`, "old spec"]]);
      for (const room of [0, 3]) {
        for (const full of ["page", "spec"]) {
          const write = fullDisk((path) => path.startsWith(`${dir}/${full}`), { room });
          assert.throws(
            () =>
              writeAllAtomically([[`${dir}/spec`, "new spec"], [`${dir}/page`, "new page"], [`${dir}/new`, "x"]], {
                write,
              }),
            /No space left on device/,
          );
          const left = [...Deno.readDirSync(dir)].map((e) => [e.name, Deno.readTextFileSync(`${dir}/${e.name}`)]);
          assert.deepEqual(left.sort(), [["page", "old page"], ["spec", "old spec"]], `${full}, room ${room}`);
        }
      }
      writeAllAtomically([[`${dir}/spec`, "new spec"], [`${dir}/page`, "new page"]]);
      assert.equal(await Deno.readTextFile(`${dir}/page`), "new page");
    }),
);
