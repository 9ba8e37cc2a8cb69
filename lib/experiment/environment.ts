/**
 * What a manifest records about the code and the machine.
 *
 * @module
 */
import { cpus } from "node:os";
import { wasmCpuFeatures } from "../backend/mod.ts";
import type { Manifest } from "../run/mod.ts";

/** The commit of `dir`'s git checkout and whether it has uncommitted changes; nulls when git is unavailable. */
export async function gitState(dir: string): Promise<Manifest["git"]> {
  const run = async (args: string[]) => {
    try {
      const output = await new Deno.Command("git", { args, cwd: dir, stdout: "piped", stderr: "null" }).output();
      return output.success ? new TextDecoder().decode(output.stdout).trim() : null;
    } catch {
      return null; // git missing, or not permitted
    }
  };
  const commit = await run(["rev-parse", "HEAD"]);
  if (commit === null) return { commit: null, dirty: null };
  const status = await run(["status", "--porcelain", "--untracked-files=no"]);
  return { commit, dirty: status === null ? null : status.length > 0 };
}

/**
 * Deno, V8 and TypeScript versions, the OS, architecture, and the CPU: its model (from `node:os` `cpus()`, which
 * needs `--allow-sys=cpus`; the core count alone without it) and the features the WebAssembly backends depend on.
 */
export function runtimeInfo(): Manifest["runtime"] {
  let model: string | undefined;
  try {
    model = cpus()[0]?.model.trim();
  } catch {
    // No --allow-sys=cpus: the core count alone.
  }
  const { simd, relaxedSimd, fusedMultiplyAdd } = wasmCpuFeatures();
  const features = [
    simd ? "WebAssembly SIMD" : "no WebAssembly SIMD",
    relaxedSimd ? `relaxed SIMD with ${fusedMultiplyAdd ? "fused" : "unfused"} multiply-add` : "no relaxed SIMD",
  ];
  const cpu = `${model ? `${model}, ` : ""}${navigator.hardwareConcurrency} cores; ${features.join(", ")}`;
  const { deno, v8, typescript } = Deno.version;
  return { deno, v8, typescript, os: Deno.build.os, arch: Deno.build.arch, cpu };
}
