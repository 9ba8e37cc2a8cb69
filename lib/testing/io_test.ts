import assert from "node:assert/strict";
import { capture, needs, skipReason, withTempDir } from "./io.ts";

Deno.test("needs() skips a test only when a permission is not granted", () => {
  assert.deepEqual(needs(), { ignore: false });
  Deno.permissions.revokeSync({ name: "ffi" }); // no test uses it; granted under -A
  assert.deepEqual(needs("ffi"), { ignore: true });
});

Deno.test("skipReason() puts the reason in the name of the test it skips, capture() keeps what a command prints", async () => {
  assert.deepEqual(skipReason("a", "no b"), { name: "a (skipped: no b)", ignore: true });
  assert.deepEqual(skipReason("a", false), { name: "a", ignore: false });
  const printed = await capture(() => {
    console.log("out", 1);
    console.error("err");
    return Promise.resolve(3);
  });
  assert.deepEqual(printed, { code: 3, out: "out 1\n", err: "err\n" });
});

Deno.test("withTempDir() removes its folder after fn returns and after fn throws", needs("read", "write"), async () => {
  const kept = await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "a");
    return dir;
  });
  assert.throws(() => Deno.statSync(kept), Deno.errors.NotFound);
  let thrown = "";
  await assert.rejects(
    withTempDir((dir) => {
      thrown = dir;
      return Promise.reject(new Error("boom"));
    }),
    /boom/,
  );
  assert.throws(() => Deno.statSync(thrown), Deno.errors.NotFound);
});
