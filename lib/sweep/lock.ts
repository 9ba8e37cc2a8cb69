/**
 * A lock file per run: created whole and atomically (written beside it, then
 * hard-linked into place, which fails when the lock exists), holding the
 * owner's host and pid, removed at the end. The runner hands the lock to the
 * process that runs the key, so a lock never names a dead runner while its
 * run goes on, and refreshes the file's time (a heartbeat). A lock is stale,
 * and is taken over under a second lock so two takers cannot both win, when
 * its owner died on this host, when it comes from another host and its
 * heartbeat stopped, or when it cannot be read (a lock left empty by a full
 * disk).
 *
 * @module
 */
import { causeOf, type WriteFile } from "../_fs.ts";

/** Who holds a lock. */
export interface LockOwner {
  /** The host the owner runs on. */
  host: string;
  /** The owner's process id: the process running the key. */
  pid: number;
  /** The sweep process that took the lock and handed it to `pid`, when it did. */
  runner?: number;
}

/** How a lock stands: no lock, held by someone alive, or stale. */
export type LockState = "free" | "held" | "stale";

/** Seconds between heartbeats of a held lock. */
export const HEARTBEAT_SECONDS = 30;

/** Seconds without a heartbeat after which another host's lock is stale. */
export const STALE_AFTER_SECONDS = 10 * HEARTBEAT_SECONDS;

/** Options of the lock functions. */
export interface LockOptions {
  /** Writes the lock's content (default `Deno.writeFileSync`; tests inject a failing one). */
  write?: WriteFile;
  /** Another host's lock is stale this many seconds after its last heartbeat; default {@linkcode STALE_AFTER_SECONDS}. */
  staleAfterSeconds?: number;
}

/** Whether a process with this id is alive on this host: `kill -0` (Deno has no signal 0, and /proc needs -A). */
function alive(pid: number): boolean {
  return new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" }).outputSync().success;
}

/** Reads a lock's owner; null when it is gone, empty or not a lock. */
export function lockOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(Deno.readTextFileSync(path));
    return typeof owner?.host === "string" && Number.isSafeInteger(owner?.pid) ? owner : null;
  } catch {
    return null;
  }
}

/** How the lock at `path` stands (see the module's description of stale). */
export function lockState(path: string, options: LockOptions = {}): LockState {
  let modified: Date | null;
  try {
    modified = Deno.statSync(path).mtime;
  } catch {
    return "free";
  }
  const owner = lockOwner(path);
  if (owner === null) return "stale";
  if (owner.host === Deno.hostname()) return alive(owner.pid) ? "held" : "stale";
  const age = (Date.now() - (modified?.getTime() ?? 0)) / 1000;
  return age > (options.staleAfterSeconds ?? STALE_AFTER_SECONDS) ? "stale" : "held";
}

/** `cannot write lock <path>: <cause>`. */
function lockError(path: string, error: unknown): Error {
  return new Error(`cannot write lock ${path}: ${causeOf(error)}`);
}

/** Creates the lock whole, or returns false when it exists; nothing is left behind when the write fails. */
function create(path: string, owner: LockOwner, options: LockOptions): boolean {
  const temporary = `${path}.${owner.host}.${Deno.pid}.tmp`;
  try {
    (options.write ?? Deno.writeFileSync)(temporary, new TextEncoder().encode(JSON.stringify(owner)));
    Deno.linkSync(temporary, path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw lockError(path, error);
  } finally {
    try {
      Deno.removeSync(temporary);
    } catch {
      // Never written.
    }
  }
}

/**
 * Takes the lock at `path`, or a stale one over.
 *
 * @param options the writer and how old another host's lock may grow.
 * @returns true when this process now holds it, false when someone alive does.
 * @throws {Error} `cannot write lock <path>: <cause>` (a full disk); no lock is left then.
 */
export function acquireLock(path: string, options: LockOptions = {}): boolean {
  const me = { host: Deno.hostname(), pid: Deno.pid };
  if (create(path, me, options)) return true;
  if (lockState(path, options) !== "stale") return false;
  const guard = `${path}.takeover`;
  if (!create(guard, me, options)) {
    // Someone else is taking it over, or died doing so: then its guard goes, and the next attempt takes the lock.
    if (lockState(guard, options) === "stale") Deno.removeSync(guard);
    return false;
  }
  try {
    if (lockState(path, options) !== "stale") return false; // taken over (and maybe finished) meanwhile
    Deno.removeSync(path);
    return create(path, me, options);
  } finally {
    Deno.removeSync(guard);
  }
}

/** Whether this process holds the lock, itself or through the process it handed it to. */
function mine(owner: LockOwner | null): boolean {
  return owner?.host === Deno.hostname() && (owner.pid === Deno.pid || owner.runner === Deno.pid);
}

/**
 * Hands the lock this process holds to the process `pid` that runs the key (written beside it, then renamed over it),
 * and refreshes its time every {@linkcode HEARTBEAT_SECONDS} until the returned function is called.
 *
 * @throws {Error} `cannot write lock <path>: <cause>`; the lock then still names this process.
 */
export function handOverLock(path: string, pid: number, options: LockOptions = {}): () => void {
  const owner = { host: Deno.hostname(), pid, runner: Deno.pid };
  const temporary = `${path}.${owner.host}.${Deno.pid}.tmp`;
  try {
    (options.write ?? Deno.writeFileSync)(temporary, new TextEncoder().encode(JSON.stringify(owner)));
    Deno.renameSync(temporary, path);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // Never written.
    }
    throw lockError(path, error);
  }
  const timer = setInterval(() => {
    try {
      if (mine(lockOwner(path))) Deno.utimeSync(path, new Date(), new Date());
    } catch {
      // A missed heartbeat; the next one may land.
    }
  }, HEARTBEAT_SECONDS * 1000);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}

/** Removes the lock at `path` if this process holds it (or handed it over). */
export function releaseLock(path: string): void {
  if (mine(lockOwner(path))) Deno.removeSync(path);
}
