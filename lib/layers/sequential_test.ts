import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { Flatten, Relu } from "./activations.ts";
import { Conv2d } from "./conv2d.ts";
import { Dense } from "./dense.ts";
import { MaxPool2d } from "./max_pool2d.ts";
import { Sequential } from "./sequential.ts";

const build = (dense: number) => {
  const rng = createRng(0);
  return new Sequential([
    new Conv2d({ input: [1, 6, 6], filters: 2, kernel: 3, rng, frozen: true }), // -> 2x4x4
    new Relu(),
    new MaxPool2d({ window: 2 }), // -> 2x2x2
    new Flatten(), // -> 8
    new Dense({ inputs: dense, units: 3, rng }),
  ], { inputShape: [1, 6, 6] });
};

Deno.test("Sequential names parameters by position and kind, and summarises shapes", () => {
  const model = build(8);
  assert.deepEqual(model.params().map((p) => p.name), [
    "0.conv2d.kernel",
    "0.conv2d.bias",
    "4.dense.weight",
    "4.dense.bias",
  ]);
  const summary = model.summary();
  const lines = summary.split("\n");
  assert.match(lines[0], /^layer +output parameters$/);
  assert.equal(lines[1], "input 1x6x6");
  // The initializers are named, so the manifest's model summary records them; a layer's parameters end its line.
  assert.match(lines[2], /^conv2d 1->2 3x3 .*, init normal\/fanIn, zeros, frozen 2x4x4 +20$/);
  assert.match(lines[4], /^max_pool2d 2x2 stride 2x2 +2x2x2 +0$/);
  assert.match(lines[6], /^dense 8->3, init normal\/fanIn, zeros +3 +27$/);
  assert.equal(lines[7], "47 parameters, 27 trainable");
  assert.equal(new Set([0, 2, 3, 4, 5, 6].map((i) => lines[i].length)).size, 1, "columns aligned");
  assert.deepEqual(model.outputShape([1, 6, 6]), [3]);
});

Deno.test("Sequential checks the shapes when it is built", () => {
  assert.throws(() => build(9), /Dense: expects 9 input features, got shape \[8\]/);
});

Deno.test("Sequential.forward() and backward() run every layer", () => {
  const model = build(8);
  const x = { data: Float32Array.from({ length: 36 }, (_, i) => (i % 7) - 3), shape: [1, 1, 6, 6] };
  const y = model.forward(x);
  assert.deepEqual(y.shape, [1, 3]);
  const dx = model.backward({ data: Float32Array.of(1, 0, -1), shape: [1, 3] });
  assert.deepEqual(dx.shape, [1, 1, 6, 6]);
  assert.ok(model.params().every((p) => p.grad.some((g) => g !== 0)));
});

Deno.test("Sequential names the parameters of nested models by their whole path, and renaming is stable", () => {
  const rng = createRng(2);
  const block = () => new Sequential([new Dense({ inputs: 3, units: 3, rng }), new Relu()], { inputShape: [3] });
  const inner = [block(), block()];
  const outer = new Sequential(inner, { inputShape: [3] });
  const names = outer.params().map((p) => p.name);
  assert.deepEqual(names, [
    "0.sequential.0.dense.weight",
    "0.sequential.0.dense.bias",
    "1.sequential.0.dense.weight",
    "1.sequential.0.dense.bias",
  ]);
  assert.deepEqual(new Sequential(inner, { inputShape: [3] }).params().map((p) => p.name), names);
});
