import assert from "node:assert/strict";
import { scaleUnit } from "../data/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { smallModel, stripes } from "./_fixtures.ts";
import { evaluate } from "./evaluate.ts";
import { train } from "./train.ts";
import { Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { createBackend } from "../backend/mod.ts";

Deno.test("evaluate() gives the same results whatever the batch size", () => {
  const model = smallModel(2);
  const set = stripes(37);
  const one = evaluate(model, set, { transform: scaleUnit, loss: softmaxCrossEntropy, batchSize: 1 });
  const many = evaluate(model, set, { transform: scaleUnit, loss: softmaxCrossEntropy, batchSize: 10 });
  assert.deepEqual(one.confusion, many.confusion);
  assert.ok(Math.abs(one.loss - many.loss) < 1e-6);
  assert.equal(one.confusion.flat().reduce((a, b) => a + b, 0), 37);
});

Deno.test("evaluate() on one backend, called again with a larger and then a smaller batch, gives the same results", () => {
  const model = smallModel(2);
  const backend = createBackend("wasm");
  model.useBackend(backend);
  const set = stripes(37);
  const run = (batchSize: number) =>
    evaluate(model, set, { transform: scaleUnit, loss: softmaxCrossEntropy, batchSize, backend });
  const first = run(4), larger = run(16), smaller = run(4);
  assert.deepEqual([...larger.predicted], [...first.predicted]);
  assert.deepEqual([...smaller.losses], [...first.losses]);
  assert.equal(smaller.loss, first.loss);
});

Deno.test("train() forwards in training mode, evaluate() in evaluation mode, through Sequential", async () => {
  const model = smallModel(2);
  const modes: (boolean | undefined)[] = [];
  const first = model.layers[0]!;
  const forward = first.forward.bind(first);
  first.forward = (x, options) => (modes.push(options?.training), forward(x, options));
  const set = stripes(4);
  await train(model, { train: set, transform: scaleUnit, evaluations: [{ split: "test", set }] }, {
    epochs: 1,
    batchSize: 2,
    optimizer: new Sgd(model.params(), { lr: 0.1 }),
    loss: softmaxCrossEntropy,
    rng: createRng(0),
  });
  assert.deepEqual(modes, [true, true, false], "two training steps, then one evaluation batch");
});
