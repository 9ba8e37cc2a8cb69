import assert from "node:assert/strict";
import { tsBackend } from "../backend/mod.ts";
import { param } from "./_test_helpers.ts";
import { Adam } from "./adam.ts";
import { Momentum } from "./momentum.ts";
import { createOptimizer, hyperParameters, OPTIMIZERS } from "./registry.ts";

Deno.test("createOptimizer() builds each registered optimizer with the given hyper-parameters over the defaults", () => {
  const adam = createOptimizer([param([1], [1])], { optimizer: "adam", lr: 0.01, hyper: { beta2: 0.99 } }) as Adam;
  assert.ok(adam instanceof Adam);
  assert.deepEqual([adam.lr, adam.beta1, adam.beta2, adam.epsilon], [0.01, 0.9, 0.99, 1e-7]);
  const momentum = createOptimizer([param([1], [1])], { optimizer: "momentum", lr: 0.1 }) as Momentum;
  assert.deepEqual([momentum.lr, momentum.momentum], [0.1, 0.9]);
  assert.deepEqual(Object.keys(OPTIMIZERS), ["sgd", "momentum", "adam"]);
  for (const optimizer of Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[]) {
    assert.equal(createOptimizer([param([1], [1])], { optimizer, lr: 0.1 }).name, optimizer);
  }
});

Deno.test("hyperParameters() keeps only the optimizer's own, defaults filling the rest", () => {
  assert.deepEqual(hyperParameters("sgd", { momentum: 0.5 }), {});
  assert.deepEqual(hyperParameters("adam", { beta1: 0.5 }), { beta1: 0.5, beta2: 0.999, epsilon: 1e-7 });
});

Deno.test("createOptimizer() fuses SGD's update into each layer's backward, and only SGD's", () => {
  const [p, q] = [param([1], [1]), param([1], [1])];
  createOptimizer([p], { optimizer: "sgd", lr: 0.1 }, { backend: tsBackend });
  createOptimizer([q], { optimizer: "momentum", lr: 0.1 }, { backend: tsBackend });
  assert.deepEqual([p.fusedSgdLr, q.fusedSgdLr], [0.1, undefined]);
});
