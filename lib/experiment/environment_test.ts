import assert from "node:assert/strict";
import { cpus } from "node:os";
import { gitState, runtimeInfo } from "./environment.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that also run git. */
const git = needs("read", "write", { name: "run", command: "git" });

Deno.test("gitState() reads a commit inside a checkout and nulls outside one", git, async () => {
  const outside = await withTempDir(gitState);
  assert.deepEqual(outside, { commit: null, dirty: null });
  const repo = new URL("../..", import.meta.url).pathname;
  const inside = await gitState(repo);
  // A clean clone (as CI has) is a checkout; a tarball without .git is not.
  if (inside.commit !== null) {
    assert.match(inside.commit, /^[0-9a-f]{40}$/);
    assert.equal(typeof inside.dirty, "boolean");
  }
});

Deno.test("runtimeInfo() names Deno, V8, TypeScript, OS, architecture and CPU", () => {
  const info = runtimeInfo();
  assert.equal(info.deno, Deno.version.deno);
  assert.equal(info.os, Deno.build.os);
  assert.match(info.cpu, /\d+ cores; /);
  assert.match(info.cpu, /WebAssembly SIMD, relaxed SIMD with (un)?fused multiply-add$/);
});

Deno.test(
  "runtimeInfo().cpu starts with the CPU model from node:os cpus() when --allow-sys=cpus is granted",
  needs({ name: "sys", kind: "cpus" }),
  () => {
    const model = cpus()[0]!.model.trim();
    assert.ok(model.length > 0);
    const { cpu } = runtimeInfo();
    assert.ok(cpu.startsWith(`${model}, ${navigator.hardwareConcurrency} cores; `), cpu);
  },
);
