import assert from "node:assert/strict";
import { needs, RUN_ALL_HINT, withTempDir } from "./io.ts";

// The one line a bare `deno test` prints about the tests it skips.
const all = needs("read", "write", "env", { name: "run", command: "git" }, { name: "net", host: "127.0.0.1" });
if (all.ignore) console.log(RUN_ALL_HINT);

Deno.test("needs() skips a test only when a permission is not granted", () => {
  assert.deepEqual(needs(), { ignore: false });
  Deno.permissions.revokeSync({ name: "ffi" }); // no test uses it; granted under -A
  assert.deepEqual(needs("ffi"), { ignore: true });
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
