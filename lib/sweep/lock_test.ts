import assert from "node:assert/strict";
import { needs, withTempDir } from "../testing/io.ts";
import { acquireLock, lockOwner, releaseLock } from "./lock.ts";

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
