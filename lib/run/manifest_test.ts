import assert from "node:assert/strict";
import { type Manifest, readManifest, writeManifest } from "./manifest.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

const manifest: Manifest = {
  experiment: "zhou",
  "run_id": "r1",
  status: "completed",
  settings: { seed: 0, lr: 0.005, "train_limit": null },
  datasets: [],
  git: { commit: null, dirty: null },
  runtime: { deno: "2", v8: "v", typescript: "t", os: "linux", arch: "x86_64", cpu: "c" },
  "started_at": "2026-01-01T00:00:00.000Z",
  "ended_at": null,
  "wall_seconds": null,
  "samples_seen": 0,
  "final_metrics": {},
  files: {},
};

Deno.test("writeManifest() writes atomically and readManifest() reads it back", io, () =>
  withTempDir(async (dir) => {
    writeManifest(`${dir}/manifest.json`, manifest);
    assert.deepEqual(await readManifest(`${dir}/manifest.json`), manifest);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["manifest.json"], "no temporary file is left");
  }));

Deno.test("writeManifest() leaves no temporary file when the rename fails", io, () =>
  withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/manifest.json/x`, { recursive: true });
    assert.throws(() => writeManifest(`${dir}/manifest.json`, manifest), /cannot write \S+manifest\.json/);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["manifest.json"]);
  }));

Deno.test("writeManifest() rewrites in place when no temporary copy fits", io, () =>
  withTempDir(async (dir) => {
    const write = (path: string, data: Uint8Array) => {
      if (path.endsWith(".tmp")) throw new Error("No space left on device (os error 28)");
      Deno.writeFileSync(path, data);
    };
    writeManifest(`${dir}/manifest.json`, manifest, { write });
    assert.deepEqual(await readManifest(`${dir}/manifest.json`), manifest);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["manifest.json"]);
  }));

Deno.test(
  "readManifest() names the file when it is missing, not JSON, or not a manifest",
  io,
  () =>
    withTempDir(async (dir) => {
      await assert.rejects(
        readManifest(`${dir}/none.json`),
        /cannot read manifest .*none\.json: no such file \(not a run folder: give one of results\/EXPERIMENT\//,
      );
      await Deno.writeTextFile(`${dir}/bad.json`, "{ not json");
      await assert.rejects(readManifest(`${dir}/bad.json`), /manifest .*bad\.json is not valid JSON/);
      await Deno.writeTextFile(`${dir}/other.json`, "[1, 2]");
      await assert.rejects(readManifest(`${dir}/other.json`), /other\.json lacks "experiment" or "settings"/);
    }),
);

/** The bytes the files of `dir` hold. */
const sizeOf = (dir: string) =>
  [...Deno.readDirSync(dir)].reduce((n, e) => n + Deno.statSync(`${dir}/${e.name}`).size, 0);

/**
 * A writer into `dir` on a disk with `free` bytes left beyond what its files hold now: a write first frees what the
 * file held (unless appending), then writes what fits and fails with ENOSPC, as a full disk does.
 */
function diskWith(dir: string, free: number) {
  const start = sizeOf(dir);
  return (path: string, data: Uint8Array, options?: { append?: boolean }) => {
    let held = 0;
    try {
      held = options?.append ? 0 : Deno.statSync(path).size;
    } catch {
      // A new file.
    }
    const fits = Math.max(0, Math.min(free - (sizeOf(dir) - held - start), data.length));
    Deno.writeFileSync(path, data.subarray(0, fits), options);
    if (fits < data.length) throw new Error("No space left on device (os error 28)");
  };
}

Deno.test(
  "writeManifest() on a full disk keeps the old manifest whole and says failed, with a smaller record if need be",
  io,
  () =>
    withTempDir(async (dir) => {
      const path = `${dir}/manifest.json`;
      const running: Manifest = { ...manifest, status: "running" };
      writeManifest(path, running);
      const longer: Manifest = { ...manifest, status: "completed", "status_detail": "x".repeat(5000) };
      // Room for nothing: the old manifest, compact, in its own bytes, says failed and as much of why as fits.
      assert.throws(
        () => writeManifest(path, longer, { write: diskWith(dir, 0) }),
        /cannot write \S+manifest\.json: No space left on device \(os error 28\); a smaller record says the run failed$/,
      );
      const kept = await readManifest(path);
      assert.equal(kept.status, "failed");
      assert.match(kept.status_detail!, /^x{20,}$/);
      const { status_detail: _, ...rest } = kept;
      assert.deepEqual({ ...rest, status: "running" }, running);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["manifest.json"], "no temporary file left");
      // An old manifest already compact: only its status changes, in its own bytes.
      await Deno.writeTextFile(path, JSON.stringify(running));
      assert.throws(() => writeManifest(path, longer, { write: diskWith(dir, 0) }), /its status set to failed$/);
      assert.deepEqual(await readManifest(path), { ...running, status: "failed" });
      // Room for a compact copy but not an indented one: the whole new manifest, compact.
      writeManifest(path, running);
      const compact = JSON.stringify(longer).length;
      writeManifest(path, longer, { write: diskWith(dir, compact + 10) });
      assert.deepEqual(await readManifest(path), longer);
    }),
);

Deno.test(
  "writeManifest() on a full disk at the start leaves no manifest.json at all",
  io,
  () =>
    withTempDir((dir) => {
      assert.throws(
        () => writeManifest(`${dir}/manifest.json`, manifest, { write: diskWith(dir, 100) }),
        /No space left/,
      );
      assert.deepEqual([...Deno.readDirSync(dir)], []);
      return Promise.resolve();
    }),
);
