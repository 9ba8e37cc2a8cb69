import assert from "node:assert/strict";
import type { Param } from "../tensor/mod.ts";
import { param } from "./_test_helpers.ts";
import { Adam } from "./adam.ts";
import { Momentum } from "./momentum.ts";
import type { Optimizer } from "./optimizer.ts";
import { Sgd } from "./sgd.ts";

const makers: [string, (ps: Param[]) => Optimizer][] = [
  ["sgd", (ps) => new Sgd(ps, { lr: 0.1 })],
  ["momentum", (ps) => new Momentum(ps, { lr: 0.1 })],
  ["adam", (ps) => new Adam(ps, { lr: 0.1 })],
];

/** Three steps with changing gradients; returns the values after each. */
function steps(p: Param, opt: Optimizer, from: number): number[][] {
  return [0, 1, 2].map((k) => {
    p.grad.set([Math.sin(from + k), -Math.cos(from + k)]);
    opt.step();
    return [...p.value];
  });
}

Deno.test("Optimizer.restore() takes up Optimizer.state(): a fresh optimizer goes on exactly as the first", async (t) => {
  for (const [name, make] of makers) {
    await t.step(name, () => {
      const p = param([0.5, -0.25], [0, 0]);
      const opt = make([p]);
      steps(p, opt, 0);
      const state = opt.state(), weights = p.value.slice();
      const expected = steps(p, opt, 3);
      const q = param([...weights], [0, 0]), fresh = make([q]);
      fresh.restore(state);
      assert.deepEqual(steps(q, fresh, 3), expected);
      // Without the state, momentum and Adam would go elsewhere.
      const r = param([...weights], [0, 0]);
      if (name !== "sgd") assert.notDeepEqual(steps(r, make([r]), 3), expected);
    });
  }
});

Deno.test("Optimizer.restore() names a missing, misshapen or unexpected buffer", () => {
  const adam = new Adam([param([1, 2], [0, 0])]);
  assert.throws(
    () => adam.restore({ steps: 1, buffers: {} }),
    /adam: optimizer state does not fit: buffer 'p.m' is missing/,
  );
  const short = { "p.m": new Float64Array(1), "p.v": new Float64Array(2) };
  assert.throws(() => adam.restore({ steps: 1, buffers: short }), /buffer 'p.m' holds 1 values, expected 2/);
  assert.throws(
    () => new Sgd([], { lr: 1 }).restore({ steps: 0, buffers: { "p.velocity": new Float64Array(2) } }),
    /sgd: .* buffer 'p.velocity' belongs to no parameter/,
  );
});
