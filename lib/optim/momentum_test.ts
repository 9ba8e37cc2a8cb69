import assert from "node:assert/strict";
import { param } from "./_test_helpers.ts";
import { Momentum } from "./momentum.ts";

Deno.test("Momentum.step() accumulates velocity", () => {
  const p = param([0], [1]);
  const opt = new Momentum([p], { lr: 0.1, momentum: 0.9 });
  opt.step();
  opt.step();
  // v1 = -0.1, w1 = -0.1; v2 = 0.9 * -0.1 - 0.1 = -0.19, w2 = -0.29
  assert.ok(Math.abs(p.value[0]! + 0.29) < 1e-15);
});
