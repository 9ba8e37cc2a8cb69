import assert from "node:assert/strict";
import type { Param } from "../tensor/mod.ts";
import { param } from "./_test_helpers.ts";
import { Adam } from "./adam.ts";
import { Momentum } from "./momentum.ts";

Deno.test("Adam.step() follows Keras' formula over two steps", () => {
  const p = param([1], [2]);
  const opt = new Adam([p]);
  assert.deepEqual([opt.lr, opt.beta1, opt.beta2, opt.epsilon], [0.001, 0.9, 0.999, 1e-7]);
  opt.step();
  // t=1: m = 0.2, v = 0.004, alpha = 0.001 * sqrt(0.001) / 0.1
  let m = 0.2, v = 0.004, w = 1 - 0.001 * Math.sqrt(0.001) / 0.1 * m / (Math.sqrt(v) + 1e-7);
  assert.ok(Math.abs(p.value[0]! - w) < 1e-15);
  p.grad[0] = -1;
  opt.step();
  m = 0.9 * m - 0.1;
  v = 0.999 * v + 0.001;
  w -= 0.001 * Math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2) * m / (Math.sqrt(v) + 1e-7);
  assert.ok(Math.abs(p.value[0]! - w) < 1e-15);
});

Deno.test("Adam and Momentum never touch frozen parameters", () => {
  for (const make of [(ps: Param[]) => new Adam(ps), (ps: Param[]) => new Momentum(ps, { lr: 1 })]) {
    const frozen = param([0.125, -3], [1, 1], true);
    const opt = make([frozen]);
    opt.step();
    opt.step();
    assert.deepEqual([...frozen.value], [0.125, -3]);
  }
});
