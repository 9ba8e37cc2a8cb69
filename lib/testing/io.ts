/**
 * Helpers for tests that touch the outside world: a temporary folder that is
 * always removed, a stop that arrives at a chosen step, and skipping a test
 * that needs a permission this process lacks, so `deno test` typed bare ends green; `deno task test`
 * (`deno test -P`, the `default` permission set in `deno.json`) grants what
 * every test needs.
 *
 * ```ts ignore
 * Deno.test("writes a file", needs("read", "write"), () =>
 *   withTempDir(async (dir) => await Deno.writeTextFile(`${dir}/a`, "a")));
 * ```
 *
 * @module
 */
import type { WriteFile } from "../_fs.ts";

/** A permission a test needs: a name (`"read"`) or a descriptor (`{ name: "run", command: "git" }`). */
export type Needed = Deno.PermissionName | Deno.PermissionDescriptor;

/** The one line a test run without every permission prints, once, as the name of an ignored test. */
export const RUN_ALL_HINT = "tests needing read, write, env, run, sys or net access are ignored in this run: " +
  "run them all with `deno task test` (or `deno test -P`)";

/**
 * `Deno.test` options that skip the test unless every permission is granted. The first skip for want of a
 * permission in a `deno test` process adds one ignored test named {@linkcode RUN_ALL_HINT}.
 *
 * @param needed The permissions the test uses.
 * @returns `{ ignore }`, true when one of them is not granted.
 */
export function needs(...needed: Needed[]): { ignore: boolean } {
  const missing = needed.filter((p) =>
    Deno.permissions.querySync(typeof p === "string" ? { name: p } : p).state !== "granted"
  );
  // A `run` descriptor alone is also refused under -P when the program is not installed: no hint for that.
  if (missing.some((p) => (typeof p === "string" ? p : p.name) !== "run")) hintOnce();
  return { ignore: missing.length > 0 };
}

/**
 * Adds the {@linkcode RUN_ALL_HINT} test once per process: each test file runs in its own isolate, so the process
 * id kept in `localStorage` (which needs no permission) tells a later file that an earlier one added it.
 */
function hintOnce(): void {
  try {
    if (localStorage.getItem("run-all-hint-pid") === String(Deno.pid)) return;
    Deno.test({ name: RUN_ALL_HINT, ignore: true, fn() {} });
    localStorage.setItem("run-all-hint-pid", String(Deno.pid));
  } catch {
    // Inside a running test (no test can be added there), or no local storage: no hint.
  }
}

/**
 * A test's name that carries the reason it is skipped, so the reason prints on the test's own line
 * (`name (skipped: reason) ... ignored`) rather than between other tests' lines.
 *
 * @param name The test's name.
 * @param skip Why it is skipped (what is missing and how to get it), or false/undefined when it runs.
 */
export function skipReason(name: string, skip: string | false | undefined): { name: string; ignore: boolean } {
  return skip ? { name: `${name} (skipped: ${skip})`, ignore: true } : { name, ignore: false };
}

/**
 * Runs a command line with `console.log` and `console.error` captured, so a test shows none of what it prints.
 *
 * @param run Runs the command and returns its exit code.
 * @returns The exit code and what went to each stream, one line per call.
 */
export async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = "", err = "";
  console.log = (...args: unknown[]) => void (out += args.join(" ") + "\n");
  console.error = (...args: unknown[]) => void (err += args.join(" ") + "\n");
  try {
    return { code: await run(), out, err };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/**
 * Runs `fn` with a fresh temporary folder and removes the folder afterwards,
 * also when `fn` throws.
 *
 * @param fn Given the folder's path.
 * @returns What `fn` returns.
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "cnn_test_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * An abort signal that reads as aborted from its `after + 1`-th look on: the training loop looks once before each
 * step, so training stops before step `after + 1` (0: before any step), as a Ctrl-C there would.
 */
export function abortAfter(after: number): AbortSignal {
  let looks = 0;
  return {
    get aborted() {
      return ++looks > after;
    },
    reason: "test",
  } as AbortSignal;
}

/**
 * A writer that behaves as a full disk for the paths `isFull` picks: it creates (or appends to) the file, writes
 * the first `room` bytes (default none) and throws `No space left on device`, as a real full disk does; other paths
 * are written by `Deno.writeFileSync`.
 */
export function fullDisk(isFull: (path: string) => boolean, options: { room?: number } = {}): WriteFile {
  return (path, data, writeOptions) => {
    if (!isFull(path)) return Deno.writeFileSync(path, data, writeOptions);
    Deno.writeFileSync(path, data.subarray(0, options.room ?? 0), writeOptions);
    throw new Error("No space left on device (os error 28)");
  };
}
