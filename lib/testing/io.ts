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

/** A permission a test needs: a name (`"read"`) or a descriptor (`{ name: "run", command: "git" }`). */
export type Needed = Deno.PermissionName | Deno.PermissionDescriptor;

/** The one line a test run without every permission prints. */
export const RUN_ALL_HINT =
  "Tests that need read, write, env, run (git, deno, kill, Slurm, chromium, python3), sys (hostname) or net (127.0.0.1) access " +
  "are skipped (ignored) in this run: " +
  "run them all with `deno task test` (or `deno test -P`).";

/**
 * `Deno.test` options that skip the test unless every permission is granted.
 *
 * @param needed The permissions the test uses.
 * @returns `{ ignore }`, true when one of them is not granted.
 */
export function needs(...needed: Needed[]): { ignore: boolean } {
  const granted = (p: Needed) =>
    Deno.permissions.querySync(typeof p === "string" ? { name: p } : p).state === "granted";
  return { ignore: !needed.every(granted) };
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
