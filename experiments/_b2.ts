import { zhou } from "./zhou.ts";
import { fashion } from "./fashion.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { ablation } from "./ablation.ts";
import { createBackend } from "../lib/backend/mod.ts";
import { batchOf, loadDataset } from "../lib/data/mod.ts";
import { createRng } from "../lib/rng/mod.ts";
import { Sgd } from "../lib/optim/mod.ts";
import type { Sequential } from "../lib/layers/mod.ts";
const data = await loadDataset("fashion-mnist");
const be = createBackend("wasm");
for (const e of [fashion, zhou, bitsbrains, ablation]) {
  const prepared = e.prepare(data, e.defaults);
  const model = e.model({ rng: createRng(0), dtype: "float32", arm: e.arms?.[0]?.name ?? "", settings: e.defaults }) as Sequential;
  model.useBackend(be);
  const opt = new Sgd(model.params(), { lr: 0.005, backend: be });
  const L = model.layers.length;
  const fw = new Float64Array(L), bw = new Float64Array(L);
  let loss = 0, opt_t = 0, batch = 0;
  const iters = 4000;
  for (let i = 0; i < iters; i++) {
    const on = i >= 1000;
    let t0 = performance.now();
    be.beginStep();
    const { x, labels } = batchOf(prepared.train, [i % prepared.train.count], { transform: prepared.transform });
    let t1 = performance.now(); if (on) batch += t1 - t0;
    let y = x;
    for (let l = 0; l < L; l++) { t0 = performance.now(); y = model.layers[l].forward(y); t1 = performance.now(); if (on) fw[l] += t1 - t0; }
    t0 = performance.now();
    const r = e.loss(y, labels);
    t1 = performance.now(); if (on) loss += t1 - t0;
    let d = r.dlogits;
    for (let l = L - 1; l >= 0; l--) { t0 = performance.now(); d = model.layers[l].backward(d, l === 0 ? { inputGradient: false } : {}); t1 = performance.now(); if (on) bw[l] += t1 - t0; }
    t0 = performance.now(); opt.step(); t1 = performance.now(); if (on) opt_t += t1 - t0;
  }
  const k = (iters - 1000) / 1000;
  const parts = model.layers.map((l, i) => `${l.kind} ${(fw[i] / k).toFixed(1)}/${(bw[i] / k).toFixed(1)}`);
  const total = (fw.reduce((a, b) => a + b) + bw.reduce((a, b) => a + b) + loss + opt_t + batch) / k;
  console.log(`${e.name}: total ${total.toFixed(0)}us | batch ${(batch / k).toFixed(1)} loss ${(loss / k).toFixed(1)} sgd ${(opt_t / k).toFixed(1)} | ${parts.join(", ")}`);
}
