/**
 * A lock file per run, created whole and atomically (written beside it, then hard-linked into place, which fails
 * when the lock exists), naming the host and pid of the process that runs the key (the runner hands it over), its
 * time refreshed as a heartbeat. A lock is stale, and taken over under a second lock so two takers cannot both win,
 * when its owner died on this host, when another host's heartbeat stopped, or when it cannot be read (a lock left
 * empty by a full disk).
 *
 * @module
 */
import { causeOf, type WriteFile } from "../_fs.ts";

/** Who holds a lock: the host, the process running the key, and the sweep process that handed it over. */
interface LockOwner {
  host: string;
  pid: number;
  runner?: number;
}

/** Seconds between heartbeats of a held lock. */
const HEARTBEAT_SECONDS = 30;

/**
 * What writes a lock's content (default `Deno.writeFileSync`; tests inject a failing one), and how many seconds
 * after its last heartbeat another host's lock is stale (default ten heartbeats).
 */
export interface LockOptions {
  write?: WriteFile;
  staleAfterSeconds?: number;
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

/** How the lock at `path` stands: no lock, held by someone alive, or stale (see the module's description). */
export function lockState(path: string, options: LockOptions = {}): "free" | "held" | "stale" {
  let modified: Date | null;
  try {
    modified = Deno.statSync(path).mtime;
  } catch {
    return "free";
  }
  const owner = lockOwner(path);
  if (owner === null) return "stale";
  if (owner.host === Deno.hostname()) {
    // `kill -0`: Deno has no signal 0, and /proc needs -A.
    const alive = new Deno.Command("kill", { args: ["-0", String(owner.pid)], stderr: "null" }).outputSync().success;
    return alive ? "held" : "stale";
  }
  const age = (Date.now() - (modified?.getTime() ?? 0)) / 1000;
  return age > (options.staleAfterSeconds ?? 10 * HEARTBEAT_SECONDS) ? "stale" : "held";
}

/**
 * Writes `owner` beside `path`, then links it into place (false when the lock exists) or renames it over the lock;
 * nothing is left behind when the write fails.
 */
function place(path: string, owner: LockOwner, options: LockOptions & { replace?: boolean }): boolean {
  const temporary = `${path}.${owner.host}.${Deno.pid}.tmp`;
  try {
    (options.write ?? Deno.writeFileSync)(temporary, new TextEncoder().encode(JSON.stringify(owner)));
    (options.replace ? Deno.renameSync : Deno.linkSync)(temporary, path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw new Error(`cannot write lock ${path}: ${causeOf(error)}`);
  } finally {
    try {
      Deno.removeSync(temporary);
    } catch {
      // Never written, or renamed.
    }
  }
}

/**
 * Takes the lock at `path`, or a stale one over: true when this process now holds it, false when someone alive does.
 *
 * @throws {Error} `cannot write lock <path>: <cause>` (a full disk); no lock is left then.
 */
export function acquireLock(path: string, options: LockOptions = {}): boolean {
  const me = { host: Deno.hostname(), pid: Deno.pid };
  if (place(path, me, options)) return true;
  if (lockState(path, options) !== "stale") return false;
  const guard = `${path}.takeover`;
  if (!place(guard, me, options)) {
    // Someone else is taking it over, or died doing so: then its guard goes, and the next attempt takes the lock.
    if (lockState(guard, options) === "stale") Deno.removeSync(guard);
    return false;
  }
  try {
    if (lockState(path, options) !== "stale") return false; // taken over (and maybe finished) meanwhile
    Deno.removeSync(path);
    return place(path, me, options);
  } finally {
    Deno.removeSync(guard);
  }
}

/** Whether this process holds the lock, itself or through the process it handed it to. */
function mine(owner: LockOwner | null): boolean {
  return owner?.host === Deno.hostname() && (owner.pid === Deno.pid || owner.runner === Deno.pid);
}

/**
 * Hands the lock this process holds to the process `pid` that runs the key, and refreshes its time every
 * 30 seconds until the returned function is called.
 *
 * @throws {Error} `cannot write lock <path>: <cause>`; the lock then still names this process.
 */
export function handOverLock(path: string, pid: number, options: LockOptions = {}): () => void {
  place(path, { host: Deno.hostname(), pid, runner: Deno.pid }, { ...options, replace: true });
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
