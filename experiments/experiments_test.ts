// Whole-model gradient checks of the four experiment architectures, as the
// experiment files build them, in float64: the input gradient and a seeded
// sample of every parameter's entries against central differences of the loss.
import assert from "node:assert/strict";
import { assertGradientsMatch, checkModelGradients } from "../lib/testing/mod.ts";
import { createRng, type Experiment, type Tensor } from "../lib/mod.ts";
import { ablation } from "./ablation.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";

function input(batch: number, seed: number): Tensor {
  const rng = createRng(seed);
  return { data: Float64Array.from({ length: batch * 784 }, () => rng.uniform() - 0.5), shape: [batch, 1, 28, 28] };
}

const cases: [Experiment, string][] = [
  [zhou, ""],
  [bitsbrains, "writeup"],
  [bitsbrains, "keras"],
  [fashion, ""],
  [ablation, "both"],
  [ablation, "conv_frozen"],
];

for (const [experiment, arm] of cases) {
  Deno.test(`${experiment.name}${arm ? ` (${arm})` : ""} model: whole-model gradients match finite differences`, () => {
    const model = experiment.model({ rng: createRng(0), dtype: "float64", arm, settings: experiment.defaults });
    if (experiment.name === "bitsbrains" && arm === "writeup") {
      // Its 1e-3 weights make every max-pool window a near-tie that any probe flips; the
      // architecture is what is checked here, so scale the weights up to the 0.3 range.
      for (const p of model.params()) p.value.forEach((v, i, a) => (a[i] = v * 300));
    }
    const batch = 2;
    const classes = experiment.loss.name === "sigmoidLogLoss" ? 2 : 10;
    const labels = Int32Array.from({ length: batch }, (_, i) => (3 * i + 1) % classes);
    const results = checkModelGradients(model, { x: input(batch, 1), labels, loss: experiment.loss }, {
      rng: createRng(2),
      samplesPerArray: 40,
    });
    assert.equal(results.length, 1 + model.params().length, "the input and every parameter are checked");
    assertGradientsMatch(results);
  });
}
