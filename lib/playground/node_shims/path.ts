/**
 * `node:path` in the playground's browser bundle: the POSIX functions `lib/` imports, on `/`-separated paths.
 *
 * @module
 */

/** The separator. */
export const sep = "/";

/** Joins and normalizes path segments (`a/./b/../c` -> `a/c`). */
export function join(...parts: string[]): string {
  return normalize(parts.filter((p) => p !== "").join("/") || ".");
}

/** Whether the path starts at the root. */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/** The absolute path, from the right-most absolute part (the browser has no working folder: `/`). */
export function resolve(...parts: string[]): string {
  let path = "";
  for (const part of parts) path = isAbsolute(part) ? part : `${path}/${part}`;
  return normalize(`/${path}`);
}

/** The last component. */
export function basename(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() ?? "";
}

/** All but the last component. */
export function dirname(path: string): string {
  const cut = path.replace(/\/+$/, "").lastIndexOf("/");
  return cut < 0 ? (isAbsolute(path) ? "/" : ".") : cut === 0 ? "/" : path.slice(0, cut);
}

/** The path from `from` to `to`, both resolved first (`/a/b`, `/a/c/d` -> `../c/d`). */
export function relative(from: string, to: string): string {
  const [a, b] = [resolve(from), resolve(to)].map((p) => p.split("/").filter((part) => part !== ""));
  let common = 0;
  while (common < a!.length && common < b!.length && a![common] === b![common]) common++;
  return [...Array(a!.length - common).fill(".."), ...b!.slice(common)].join("/");
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out.at(-1) !== "..") out.pop();
    else out.push(part);
  }
  return (isAbsolute(path) ? "/" : "") + (out.join("/") || (isAbsolute(path) ? "" : "."));
}
