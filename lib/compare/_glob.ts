/**
 * A small glob expander (`*`, `?`, `[...]`, `**`), for patterns the shell
 * left unexpanded (quoted, or on shells without globbing); `jsr:@std/fs` is
 * out of reach here.
 *
 * @module
 */
import { join } from "node:path";

/** True when `text` holds a glob character. */
export function isGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

/** The paths matching `pattern`, sorted; hidden entries match only an explicit leading dot. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((segment) => segment !== "");
  let paths = [absolute ? "/" : ""];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    const next: string[] = [];
    if (segment === "**") {
      for (const path of paths) next.push(path, ...(await allFolders(path)));
    } else if (!isGlob(segment)) {
      for (const path of paths) {
        const candidate = join(path, segment);
        if (await exists(candidate, last)) next.push(candidate);
      }
    } else {
      const regex = segmentRegex(segment);
      for (const path of paths) {
        for (const entry of await list(path)) {
          if (!regex.test(entry.name)) continue;
          if (entry.name.startsWith(".") && !segment.startsWith(".")) continue;
          if (last || entry.isDirectory) next.push(join(path, entry.name));
        }
      }
    }
    paths = [...new Set(next)];
  }
  return paths.filter((path) => path !== "").sort();
}

function segmentRegex(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i];
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "[") {
      const close = segment.indexOf("]", i + 1);
      if (close < 0) source += "\\[";
      else {
        const body = segment.slice(i + 1, close).replace(/^!/, "^").replace(
          /\\/g,
          "\\\\",
        );
        source += `[${body}]`;
        i = close;
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

async function list(path: string): Promise<Deno.DirEntry[]> {
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(path === "" ? "." : path)) {
      entries.push(entry);
    }
  } catch {
    // Not a folder, or unreadable: no matches below it.
  }
  return entries;
}

async function allFolders(path: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await list(path)) {
    if (!entry.isDirectory || entry.name.startsWith(".")) continue;
    const child = join(path, entry.name);
    found.push(child, ...(await allFolders(child)));
  }
  return found;
}

async function exists(path: string, last: boolean): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return last || info.isDirectory;
  } catch {
    return false;
  }
}
