// The draw-and-classify page's forward pass on each experiment's architecture, as the experiment
// files build it (seeded weights, every arm), against the model's own forward pass.
import assert from "node:assert/strict";
import { createRng, type Experiment, scaleCentered } from "../lib/mod.ts";
import { decodeTensors, forward, pageModel } from "../lib/page/mod.ts";
import { ablation } from "./ablation.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";

const cases: [Experiment, string][] = [[zhou, ""], [bitsbrains, "writeup"], [bitsbrains, "keras"], [fashion, ""], [
  ablation,
  "both",
]];

for (const [experiment, arm] of cases) {
  Deno.test(`${experiment.name}${arm ? ` (${arm})` : ""} model: the page's forward pass gives its logits`, () => {
    const model = experiment.model({ rng: createRng(3), dtype: "float32", arm, settings: experiment.defaults });
    // Position biases start small; make them matter.
    for (const p of model.params()) if (p.name.endsWith("bias")) p.value.forEach((_, i, a) => (a[i] = (i % 7) / 10));
    const page = pageModel({ labels: [], inputShape: model.inputShape, model, transform: scaleCentered }, "t");
    const weights = decodeTensors(page.tensors), rng = createRng(4);
    for (let n = 0; n < 3; n++) {
      const bytes = Uint8Array.from({ length: 784 }, () => Math.floor(rng.uniform() * 256));
      const x = new Float32Array(784);
      scaleCentered.apply(bytes, 0, x, 0, 784);
      const expected = model.forward({ data: x, shape: [1, 1, 28, 28] }, { training: false }).data;
      const got = forward(page, weights, bytes);
      assert.equal(got.length, expected.length);
      const scale = Math.max(...[...expected].map(Math.abs));
      got.forEach((v, i) =>
        assert.ok(Math.abs(v - expected[i]!) <= 1e-5 * scale, `logit ${i}: ${v} vs ${expected[i]}`)
      );
    }
  });
}
