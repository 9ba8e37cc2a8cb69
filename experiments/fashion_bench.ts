// Whole training steps of the main job's model, per sample: `deno task bench`.
import { createRng, scaleCentered, Sgd, softmaxCrossEntropy } from "../lib/mod.ts";
import { fashion } from "./fashion.ts";

const model = fashion.model({ rng: createRng(0), dtype: "float32", arm: "", settings: fashion.defaults });
const optimizer = new Sgd(model.params(), { lr: 0.005 });
const rng = createRng(1);
const bytes = Uint8Array.from({ length: 784 }, () => rng.integer(256));
const x = { data: new Float32Array(784), shape: [1, 1, 28, 28] };
scaleCentered.apply(bytes, 0, x.data, 0, 784);
const labels = Int32Array.of(3);

Deno.bench("fashion model: one SGD step (forward, loss, backward, update), batch 1", () => {
  const { dlogits } = softmaxCrossEntropy(model.forward(x), labels);
  model.backward(dlogits);
  optimizer.step();
});

Deno.bench("fashion model: forward only (evaluation), batch 1", () => {
  model.forward(x);
});
