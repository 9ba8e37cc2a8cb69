/**
 * A lock file per run: created atomically (`createNew`), holding the owner's
 * host and pid, removed at the end. A lock whose owner died on this host is
 * stale and is taken over, under a second lock so two takers cannot both win.
 *
 * @module
 */

/** Who holds a lock. */
export interface LockOwner {
  /** The host the owner runs on. */
  host: string;
  /** The owner's process id. */
  pid: number;
}

/** Whether a process with this id is alive on this host: `kill -0` (Deno has no signal 0, and /proc needs -A). */
function alive(pid: number): boolean {
  return new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" }).outputSync().success;
}

/** Reads a lock's owner; null when it is gone or half-written. */
export function lockOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return null;
  }
}

/** Whether `owner`'s lock is stale: same host, process gone. A lock from another host is never judged stale. */
export function isStale(owner: LockOwner | null): boolean {
  return owner !== null && owner.host === Deno.hostname() && !alive(owner.pid);
}

function create(path: string): boolean {
  try {
    const file = Deno.openSync(path, { createNew: true, write: true });
    file.writeSync(new TextEncoder().encode(JSON.stringify({ host: Deno.hostname(), pid: Deno.pid })));
    file.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  }
}

/**
 * Takes the lock at `path`, or a stale one over.
 *
 * @returns true when this process now holds it, false when someone alive does.
 */
export function acquireLock(path: string): boolean {
  if (create(path)) return true;
  if (!isStale(lockOwner(path))) return false;
  const guard = `${path}.takeover`;
  if (!create(guard)) return false; // someone else is taking it over
  try {
    if (!isStale(lockOwner(path))) return false; // taken over (and maybe finished) meanwhile
    Deno.removeSync(path);
    return create(path);
  } finally {
    Deno.removeSync(guard);
  }
}

/** Removes the lock at `path` if this process holds it. */
export function releaseLock(path: string): void {
  const owner = lockOwner(path);
  if (owner?.pid === Deno.pid && owner.host === Deno.hostname()) Deno.removeSync(path);
}
