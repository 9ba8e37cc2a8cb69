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
      await assert.rejects(readManifest(`${dir}/none.json`), /cannot read manifest .*none\.json/);
      await Deno.writeTextFile(`${dir}/bad.json`, "{ not json");
      await assert.rejects(readManifest(`${dir}/bad.json`), /manifest .*bad\.json is not valid JSON/);
      await Deno.writeTextFile(`${dir}/other.json`, "[1, 2]");
      await assert.rejects(readManifest(`${dir}/other.json`), /other\.json lacks "experiment" or "settings"/);
    }),
);
