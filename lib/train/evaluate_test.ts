import assert from "node:assert/strict";
import { scaleUnit } from "../data/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { smallModel, stripes } from "./_fixtures.ts";
import { evaluate } from "./evaluate.ts";

Deno.test("evaluate() gives the same results whatever the batch size", () => {
  const model = smallModel(2);
  const set = stripes(37);
  const one = evaluate(model, set, { transform: scaleUnit, loss: softmaxCrossEntropy, batchSize: 1 });
  const many = evaluate(model, set, { transform: scaleUnit, loss: softmaxCrossEntropy, batchSize: 10 });
  assert.deepEqual(one.confusion, many.confusion);
  assert.ok(Math.abs(one.loss - many.loss) < 1e-6);
  assert.equal(one.confusion.flat().reduce((a, b) => a + b, 0), 37);
});
