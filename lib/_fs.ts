/**
 * Private helpers shared across `lib/`: the project root, files, error causes.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The project's root folder (holding `deno.json`, `lib/`, `experiments/`), with a trailing slash. */
export const PROJECT_ROOT: string = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL("..", import.meta.url))
  : new URL("..", import.meta.url).pathname;

/** An error's message without the `: <operation> '<path>'` Deno appends, for messages that name the path already. */
export function causeOf(error: unknown): string {
  return (error as Error).message.replace(/: \w+ '[^']*'$/, "");
}

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

/** Writes bytes to a file: `Deno.writeFileSync`'s shape, so a test can inject a failing one (`options.write`). */
export type WriteFile = (path: string, data: Uint8Array, options?: { append?: boolean }) => void;

/**
 * Writes `data` to `path` atomically (a temporary file beside it, removed when the write fails, then a rename), so
 * a reader never sees half a file. Synchronous, so a run's last writes cannot be split by a signal.
 */
export function writeAtomically(path: string, data: Uint8Array | string, options: { write?: WriteFile } = {}): void {
  writeAllAtomically([[path, data]], options);
}

/**
 * Writes files that belong together (a page and its charts' specs) as {@linkcode writeAtomically} writes one,
 * renamed into place only once every one is whole: a failed write (a full disk) changes none of them.
 */
export function writeAllAtomically(
  files: readonly (readonly [path: string, data: Uint8Array | string])[],
  options: { write?: WriteFile } = {},
): void {
  const write = options.write ?? Deno.writeFileSync;
  const temporaries: string[] = [];
  try {
    for (const [path, data] of files) {
      temporaries.push(`${path}.${Deno.pid}.tmp`);
      write(temporaries.at(-1)!, typeof data === "string" ? new TextEncoder().encode(data) : data);
    }
    for (const [n, [path]] of files.entries()) {
      Deno.renameSync(temporaries[n]!, path);
      temporaries[n] = "";
    }
  } catch (error) {
    for (const temporary of temporaries.filter((t) => t !== "")) {
      try {
        Deno.removeSync(temporary);
      } catch {
        // Never written.
      }
    }
    throw error;
  }
}
