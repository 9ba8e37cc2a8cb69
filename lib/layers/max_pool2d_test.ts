import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { assertGradientsMatch, checkLayerGradients } from "../testing/mod.ts";
import { randomInput } from "./_test_helpers.ts";
import { MaxPool2d } from "./max_pool2d.ts";

const cases = [
  { name: "2x2 on 6x6, batch 1", window: 2, stride: undefined, input: [1, 1, 6, 6] },
  { name: "2x2 on 7x5 (window does not divide the input), batch 2", window: 2, stride: undefined, input: [2, 3, 7, 5] },
  { name: "3x3 stride 2 (overlapping windows)", window: 3, stride: 2, input: [1, 2, 7, 7] },
  { name: "rectangular 2x3 window", window: [2, 3] as const, stride: undefined, input: [1, 2, 6, 7] },
] as const;

for (const c of cases) {
  Deno.test(`MaxPool2d.backward() matches finite differences: ${c.name}`, () => {
    const rng = createRng(3);
    const layer = new MaxPool2d({ window: c.window, stride: c.stride });
    const results = checkLayerGradients(layer, randomInput([...c.input], rng), { rng });
    assertGradientsMatch(results);
  });
}

Deno.test("MaxPool2d.outputShape() floors, as the forward does", () => {
  assert.deepEqual(new MaxPool2d({ window: 2 }).outputShape([8, 13, 13]), [8, 6, 6]);
  assert.deepEqual(new MaxPool2d({ window: 2 }).outputShape([8, 26, 26]), [8, 13, 13]);
});
