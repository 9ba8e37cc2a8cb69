import assert from "node:assert/strict";
import * as node from "node:path";
import * as browser from "./path.ts";

/** Paths with dots, doubled and trailing slashes; absolute ones, as the browser has no working folder. */
const PATHS = ["/", "/a", "/a/b/", "/a//b/./c", "/a/b/../../c", "/a/b/c.gz", "/x/y", "/a/b/c/d"];

Deno.test("the browser's node:path answers as node:path for absolute paths", () => {
  for (const p of PATHS) {
    for (const fn of ["basename", "dirname", "isAbsolute"] as const) assert.deepEqual(browser[fn](p), node[fn](p), p);
    assert.equal(browser.join(p, "e/../f", "g"), node.join(p, "e/../f", "g"), p);
    assert.equal(browser.resolve("/r", p, "h"), node.resolve("/r", p, "h"), p);
    for (const q of PATHS) assert.equal(browser.relative(p, q), node.relative(p, q), `${p} -> ${q}`);
  }
  assert.equal(browser.join("a", "", "b"), node.join("a", "", "b"));
  assert.equal(browser.sep, node.sep);
});
