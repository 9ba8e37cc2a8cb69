import assert from "node:assert/strict";
import { createRng, shuffleInPlace } from "./rng.ts";

Deno.test("createRng() pins the first values of seed 0 and seed 42", () => {
  // Pinned: a change here changes every experiment's numbers.
  const rng = createRng(0);
  const first = Array.from({ length: 4 }, () => rng.nextUint32());
  assert.deepEqual(first, PINNED_SEED_0);
  const rng42 = createRng(42);
  assert.deepEqual(Array.from({ length: 4 }, () => rng42.nextUint32()), PINNED_SEED_42);
});

Deno.test("createRng() repeats a stream for the same seed and differs for another", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const xs = Array.from({ length: 100 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.uniform()));
});

Deno.test("Rng.uniform() stays in [0, 1) with mean near 1/2", () => {
  const rng = createRng(1);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005);
});

Deno.test("Rng.normal() has mean near 0 and variance near 1", () => {
  const rng = createRng(2);
  const n = 100_000;
  let sum = 0, squares = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    sum += z;
    squares += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.02, `mean ${sum / n}`);
  assert.ok(Math.abs(squares / n - 1) < 0.02, `variance ${squares / n}`);
});

Deno.test("Rng.integer() covers [0, n) evenly and rejects bad n", () => {
  const rng = createRng(3);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60_000; i++) counts[rng.integer(6)]++;
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 400, `${counts}`);
  assert.throws(() => rng.integer(0), /n must be an integer/);
  assert.throws(() => rng.integer(2.5), /n must be an integer/);
});

Deno.test("Rng.fork() depends on the seed and label, not on draws made", () => {
  const a = createRng(5), b = createRng(5);
  a.uniform();
  assert.equal(a.fork(1).nextUint32(), b.fork(1).nextUint32());
  assert.notEqual(a.fork(1).nextUint32(), a.fork(2).nextUint32());
});

Deno.test("shuffleInPlace() permutes and is reproducible", () => {
  const xs = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), { rng: createRng(9) });
  const ys = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), { rng: createRng(9) });
  assert.deepEqual(xs, ys);
  assert.deepEqual([...xs].sort((p, q) => p - q), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual([...xs], Array.from({ length: 50 }, (_, i) => i));
});

const PINNED_SEED_0 = [3809008728, 1133695204, 53579671, 2891528803];
const PINNED_SEED_42 = [2837322924, 544945897, 479756282, 3500138142];

Deno.test("Rng.restore() repeats the draws that followed Rng.state(), in a fresh generator too", () => {
  const rng = createRng(3);
  for (let i = 0; i < 37; i++) rng.normal();
  const state = rng.state();
  const next = Array.from({ length: 50 }, () => rng.integer(1000));
  const other = createRng(99);
  other.restore(state);
  assert.deepEqual(Array.from({ length: 50 }, () => other.integer(1000)), next);
  rng.restore(state);
  assert.deepEqual(Array.from({ length: 50 }, () => rng.integer(1000)), next);
  assert.deepEqual(rng.state(), other.state());
});

Deno.test("Rng.restore() refuses a state that is not four 32-bit words, not all zero", () => {
  const rng = createRng(0);
  for (const bad of [[1, 2, 3], [0, 0, 0, 0], [1, 2, 3, 2 ** 32], [1, 2, 3, -1], [1.5, 2, 3, 4]]) {
    assert.throws(() => rng.restore(bad), /Rng.restore: expected four 32-bit words/);
  }
});
