/**
 * Private file helpers shared by `lib/data`, `lib/report` and `lib/compare`.
 *
 * @module
 */

/** What is at a path: a file, a directory, something else, or nothing (also when it cannot be looked at). */
export type PathKind = "file" | "directory" | "other" | "missing";

/** What is at `path`, following symbolic links. */
export async function pathKind(path: string): Promise<PathKind> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
  } catch {
    return "missing";
  }
}

/** Whether `path` is a file (or a link to one). */
export async function isFile(path: string): Promise<boolean> {
  return (await pathKind(path)) === "file";
}

/**
 * Writes `data` to `path` atomically: a temporary file beside it, then a
 * rename, so a reader never sees half a file. The temporary file is removed
 * when the write fails.
 */
export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${Deno.pid}.tmp`;
  try {
    await (typeof data === "string" ? Deno.writeTextFile(temporary, data) : Deno.writeFile(temporary, data));
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
