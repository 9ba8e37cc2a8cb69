import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { assertGradientsMatch, checkLayerGradients } from "../testing/mod.ts";
import { randomInput } from "./_test_helpers.ts";
import { Flatten, Relu, Sigmoid } from "./activations.ts";

for (
  const [name, make] of [["Relu", () => new Relu()], ["Sigmoid", () => new Sigmoid()], [
    "Flatten",
    () => new Flatten(),
  ]] as const
) {
  Deno.test(`${name}.backward() matches finite differences on batches of 1 and 3`, () => {
    const rng = createRng(2);
    for (const batch of [1, 3]) {
      assertGradientsMatch(checkLayerGradients(make(), randomInput([batch, 2, 3, 4], rng), { rng }));
    }
  });
}

Deno.test("Flatten keeps CHW order and restores the shape", () => {
  const layer = new Flatten();
  const x = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 2, 1, 3] };
  const y = layer.forward(x);
  assert.deepEqual(y.shape, [1, 6]);
  assert.deepEqual([...y.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(layer.backward(y).shape, [1, 2, 1, 3]);
  assert.deepEqual(layer.outputShape([2, 1, 3]), [6]);
});

Deno.test("Relu.backward() before forward names the problem", () => {
  assert.throws(
    () => new Relu().backward({ data: new Float64Array(1), shape: [1] }),
    /relu.backward: called before forward/,
  );
});
