/**
 * What a manifest records about the code and the machine.
 *
 * @module
 */
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

/** Deno, V8 and TypeScript versions, the OS, architecture and CPU model. */
export function runtimeInfo(): Manifest["runtime"] {
  let cpu = `${navigator.hardwareConcurrency} cores`;
  try {
    const model = Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1];
    if (model) cpu = `${model.trim()} (${navigator.hardwareConcurrency} cores)`;
  } catch {
    // Not Linux, or not readable: the core count alone.
  }
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpu,
  };
}
