// The draw-and-classify page's network, rebuilt from layer specs and a checkpoint as the page rebuilds
// it, on each experiment's architecture (seeded weights, every arm), against the model's own forward pass.
import assert from "node:assert/strict";
import { createRng, encodeSafetensors, type Experiment, scaleCentered, transformRecord } from "../lib/mod.ts";
import { classifyInput, layerSpecs, pageNetwork } from "../lib/page/mod.ts";
import { probabilities } from "../lib/predict/mod.ts";
import { ablation } from "./ablation.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";

const cases: [Experiment, string][] = [[zhou, ""], [bitsbrains, "writeup"], [bitsbrains, "keras"], [fashion, ""], [
  ablation,
  "both",
]];

for (const [experiment, arm] of cases) {
  Deno.test(`${experiment.name}${arm ? ` (${arm})` : ""} model: the page's network gives its probabilities`, () => {
    const model = experiment.model({ rng: createRng(3), dtype: "float32", arm, settings: experiment.defaults });
    // Position biases start small; make them matter.
    for (const p of model.params()) if (p.name.endsWith("bias")) p.value.forEach((_, i, a) => (a[i] = (i % 7) / 10));
    const tensors = model.params().map((p) => ({ name: p.name, shape: p.shape, data: Float32Array.from(p.value) }));
    const metadata = { transform: transformRecord(scaleCentered), labels: "[]" };
    const net = pageNetwork(layerSpecs(model), [...model.inputShape], encodeSafetensors({ tensors, metadata }));
    const rng = createRng(4);
    for (let n = 0; n < 3; n++) {
      const bytes = Uint8Array.from({ length: 784 }, () => Math.floor(rng.uniform() * 256));
      const x = new Float32Array(784);
      scaleCentered.apply(bytes, 0, x, 0, 784);
      const logits = model.forward({ data: x, shape: [1, 1, 28, 28] }, { training: false }).data;
      assert.deepEqual([...classifyInput(net, bytes).probabilities], [...probabilities([...logits])]);
    }
  });
}
