import assert from "node:assert/strict";
import { needs, withTempDir } from "../testing/io.ts";
import { acquireLock, handOverLock, lockOwner, lockState, releaseLock } from "./lock.ts";

const sys = { name: "sys", kind: "hostname" } as const;
const kill = { name: "run", command: "kill" } as const;

Deno.test(
  "acquireLock() gives a lock to one holder until it is released",
  needs("read", "write", sys, kill),
  () =>
    withTempDir(async (dir) => {
      const lock = `${dir}/a.lock`;
      assert.equal(acquireLock(lock), true);
      assert.equal(acquireLock(lock), false);
      assert.equal(lockOwner(lock)?.pid, Deno.pid);
      releaseLock(lock);
      assert.equal(acquireLock(lock), true);
      await Promise.resolve();
    }),
);

Deno.test(
  "acquireLock() takes over a dead process's lock, not a live one or another host's",
  needs("read", "write", sys, kill),
  () =>
    withTempDir(async (dir) => {
      const lock = `${dir}/a.lock`;
      const pid = 2 ** 22 + 1; // above Linux's largest pid
      await Deno.writeTextFile(lock, JSON.stringify({ host: Deno.hostname(), pid }));
      assert.equal(acquireLock(lock), true);
      assert.equal(lockOwner(lock)?.pid, Deno.pid);
      await Deno.writeTextFile(lock, JSON.stringify({ host: "elsewhere", pid }));
      assert.equal(acquireLock(lock), false);
      await Deno.writeTextFile(lock, JSON.stringify({ host: Deno.hostname(), pid: 1 }));
      assert.equal(acquireLock(lock), false);
    }),
);

Deno.test(
  "acquireLock() on a full disk says so and leaves no lock; an empty or unreadable lock is stale",
  needs("read", "write", sys, kill),
  () =>
    withTempDir(async (dir) => {
      const lock = `${dir}/a.lock`;
      const full = () => {
        throw new Error("No space left on device (os error 28)");
      };
      assert.throws(() => acquireLock(lock, { write: full }), /^Error: cannot write lock .*a\.lock: No space left/);
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing is left behind");
      for (const content of ["", "{", "null"]) {
        await Deno.writeTextFile(lock, content);
        assert.equal(lockState(lock), "stale", JSON.stringify(content));
        assert.equal(acquireLock(lock), true, JSON.stringify(content));
        releaseLock(lock);
      }
    }),
);

Deno.test(
  "acquireLock() takes another host's lock over once its heartbeat stopped; the lock names the process handed it",
  needs("read", "write", sys, kill),
  () =>
    withTempDir(async (dir) => {
      const lock = `${dir}/a.lock`;
      await Deno.writeTextFile(lock, JSON.stringify({ host: "elsewhere", pid: 1 }));
      assert.equal(acquireLock(lock, { staleAfterSeconds: 60 }), false, "a fresh heartbeat");
      const old = new Date(Date.now() - 120_000);
      await Deno.utime(lock, old, old);
      assert.equal(acquireLock(lock, { staleAfterSeconds: 60 }), true, "no heartbeat for 120 s");
      const stop = handOverLock(lock, 1);
      assert.deepEqual(lockOwner(lock), { host: Deno.hostname(), pid: 1, runner: Deno.pid });
      assert.equal(lockState(lock), "held", "held while the process it names lives");
      stop();
      releaseLock(lock);
      assert.equal(lockState(lock), "free");
    }),
);
