import assert from "node:assert/strict";
import { join } from "node:path";
import { csvLine, csvText, readCsv } from "./csv.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test(
  "csvText and csvLine quote the cells that need it, and readCsv reads them back",
  io,
  () =>
    withTempDir(async (dir) => {
      const path = join(dir, "a.csv");
      const text = csvText(["name", "value"], [['a,"b"', -1.5e-7]]) + csvLine(["", 3]);
      assert.equal(text, 'name,value\n"a,""b""",-1.5e-7\n,3\n');
      await Deno.writeTextFile(path, text);
      const table = await readCsv(path);
      assert.deepEqual(table.columns, ["name", "value"]);
      assert.deepEqual(table.rows, [{ name: 'a,"b"', value: "-1.5e-7" }, { name: "", value: "3" }]);
      assert.deepEqual(table.lines, [2, 3]);
      assert.deepEqual(table.warnings, []);
    }),
);

Deno.test(
  "readCsv drops a truncated last line with a warning naming the file and line",
  io,
  () =>
    withTempDir(async (dir) => {
      const path = join(dir, "a.csv");
      await Deno.writeTextFile(path, "x,y\n1,2\n3,4\n5,0.12");
      const table = await readCsv(path);
      assert.deepEqual(table.rows, [{ x: "1", y: "2" }, { x: "3", y: "4" }]);
      assert.equal(table.warnings.length, 1);
      assert.match(
        table.warnings[0],
        /a\.csv:4: last line has no newline.*dropped/,
      );
    }),
);

Deno.test("readCsv skips a row with the wrong field count, with a warning", io, () =>
  withTempDir(async (dir) => {
    const path = join(dir, "a.csv");
    await Deno.writeTextFile(path, "x,y\n1,2\n3\n5,6\n");
    const table = await readCsv(path);
    assert.deepEqual(table.rows, [{ x: "1", y: "2" }, { x: "5", y: "6" }]);
    assert.deepEqual(table.lines, [2, 4]);
    assert.match(
      table.warnings[0],
      /a\.csv:3: row has 1 fields, the header has 2; skipped/,
    );
  }));

Deno.test("readCsv fails clearly on a missing, empty, binary or malformed file", io, () =>
  withTempDir(async (dir) => {
    await assert.rejects(
      readCsv(join(dir, "none.csv")),
      /none\.csv does not exist/,
    );
    await Deno.writeTextFile(join(dir, "empty.csv"), "\n");
    await assert.rejects(readCsv(join(dir, "empty.csv")), /empty\.csv is empty/);
    await Deno.writeFile(
      join(dir, "bin.csv"),
      new Uint8Array([31, 139, 8, 0, 1]),
    );
    await assert.rejects(
      readCsv(join(dir, "bin.csv")),
      /bin\.csv is not a CSV file/,
    );
    await Deno.writeTextFile(join(dir, "quote.csv"), 'x,y\n"1,2\n');
    await assert.rejects(
      readCsv(join(dir, "quote.csv")),
      /quote\.csv is not a valid CSV file/,
    );
  }));
