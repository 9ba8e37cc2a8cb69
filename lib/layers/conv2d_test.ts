import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { assertGradientsMatch, checkLayerGradients } from "../testing/mod.ts";
import { randomInput } from "./_test_helpers.ts";
import { Conv2d } from "./conv2d.ts";
import { gaussian, gaussianOver } from "./initializers.ts";

const cases = [
  {
    name: "3x3 valid, per-channel bias, batch 1",
    input: [1, 6, 6],
    filters: 2,
    kernel: 3,
    padding: "valid",
    bias: "channel",
    batch: 1,
  },
  {
    name: "5x5 same, several channels, batch 3",
    input: [3, 7, 7],
    filters: 4,
    kernel: 5,
    padding: "same",
    bias: "channel",
    batch: 3,
  },
  {
    name: "stride 2 with padding 1",
    input: [2, 7, 6],
    filters: 3,
    kernel: 3,
    stride: 2,
    padding: 1,
    bias: "channel",
    batch: 2,
  },
  {
    name: "rectangular 2x4 kernel, stride [1, 2], same",
    input: [2, 6, 9],
    filters: 2,
    kernel: [2, 4],
    stride: [1, 2],
    padding: "same",
    bias: "position",
    batch: 2,
  },
  {
    name: "no bias, one filter, same (the ablation's layer)",
    input: [1, 8, 8],
    filters: 1,
    kernel: 3,
    padding: "same",
    bias: "none",
    batch: 1,
  },
  {
    name: "bias per output position (the two-conv write-up's)",
    input: [2, 5, 5],
    filters: 3,
    kernel: 5,
    padding: "same",
    bias: "position",
    batch: 2,
  },
] as const;

for (const c of cases) {
  Deno.test(`Conv2d.backward() matches finite differences: ${c.name}`, () => {
    const rng = createRng(11);
    const layer = new Conv2d({
      input: c.input,
      filters: c.filters,
      kernel: c.kernel,
      stride: "stride" in c ? c.stride : 1,
      padding: c.padding,
      bias: c.bias,
      kernelInit: gaussianOver(3),
      biasInit: gaussian(0.1),
      dtype: "float64",
      rng,
    });
    const x = randomInput([c.batch, ...c.input], rng);
    const results = checkLayerGradients(layer, x, { rng });
    assert.equal(results.length, c.bias === "none" ? 2 : 3, "input, kernel and bias are all checked");
    assertGradientsMatch(results);
  });
}

Deno.test("Conv2d has the shapes its options describe", () => {
  const rng = createRng(0);
  const layer = new Conv2d({ input: [1, 28, 28], filters: 6, kernel: 5, padding: "same", bias: "position", rng });
  assert.deepEqual(layer.outputShape(), [6, 28, 28]);
  assert.deepEqual(layer.bias?.shape, [6, 28, 28]);
  assert.deepEqual(layer.kernel.shape, [6, 1, 5, 5]);
  assert.throws(() => new Conv2d({ input: [1, 2, 2], filters: 1, kernel: 3, rng }), /does not fit the input 1x2x2/);
});
