import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { gaussian, gaussianOver, glorotUniform, zerosInit } from "./initializers.ts";

const context = { fanIn: 9, fanOut: 72, rng: createRng(0) };

Deno.test("gaussianOver() divides standard normal draws by a number or the fan-in", () => {
  const plain = new Float64Array(5), over = new Float64Array(5), fan = new Float64Array(5);
  gaussian(1).fill(plain, { ...context, rng: createRng(1) });
  gaussianOver(9).fill(over, { ...context, rng: createRng(1) });
  gaussianOver("fanOut").fill(fan, { ...context, rng: createRng(1) });
  plain.forEach((z, i) => {
    assert.equal(over[i], z / 9);
    assert.equal(fan[i], z / 72);
  });
  assert.equal(gaussianOver("fanIn").name, "normal/fanIn");
});

Deno.test("glorotUniform() stays within sqrt(6 / (fanIn + fanOut)) and fills the range", () => {
  const w = new Float64Array(10_000);
  glorotUniform().fill(w, context);
  const limit = Math.sqrt(6 / 81);
  assert.ok(w.every((v) => Math.abs(v) <= limit));
  assert.ok(Math.max(...w) > 0.95 * limit && Math.min(...w) < -0.95 * limit);
});

Deno.test("zerosInit() and gaussian() with scale 1e-3", () => {
  const w = Float64Array.of(1, 2, 3);
  zerosInit().fill(w, context);
  assert.deepEqual([...w], [0, 0, 0]);
  const small = new Float64Array(1000);
  gaussian(1e-3).fill(small, context);
  assert.ok(small.every((v) => Math.abs(v) < 6e-3));
});
