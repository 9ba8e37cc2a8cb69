import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { assertGradientsMatch, checkLayerGradients } from "../testing/mod.ts";
import { randomInput } from "./_test_helpers.ts";
import { Dense } from "./dense.ts";
import { gaussian } from "./initializers.ts";

for (const [batch, bias] of [[1, true], [4, true], [3, false]] as const) {
  Deno.test(`Dense.backward() matches finite differences: batch ${batch}, bias ${bias}`, () => {
    const rng = createRng(5);
    const layer = new Dense({ inputs: 7, units: 5, bias, biasInit: gaussian(0.1), dtype: "float64", rng });
    const results = checkLayerGradients(layer, randomInput([batch, 7], rng), { rng });
    assert.equal(results.length, bias ? 3 : 2);
    assertGradientsMatch(results);
  });
}

Deno.test("Dense.outputShape() rejects the wrong number of features", () => {
  const layer = new Dense({ inputs: 3, units: 2, rng: createRng(0) });
  assert.deepEqual(layer.outputShape([3]), [2]);
  assert.throws(() => layer.outputShape([4]), /expects 3 input features/);
});
