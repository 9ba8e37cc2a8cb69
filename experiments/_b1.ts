import { fashion } from "./fashion.ts";
import { zhou } from "./zhou.ts";
import { bitsbrains } from "./bitsbrains.ts";
import { ablation } from "./ablation.ts";
import { benchmarkTraining } from "../lib/bench/mod.ts";
import { createBackend, tsBackend } from "../lib/backend/mod.ts";
import { loadDataset } from "../lib/data/mod.ts";
const data = await loadDataset("fashion-mnist");
const which = Deno.args[0] ?? "wasm";
for (const e of [fashion, zhou, bitsbrains, ablation]) {
  const r = await benchmarkTraining(e, data, { backend: which === "ts" ? tsBackend : createBackend("wasm"), rounds: 5, steps: which === "ts" ? 300 : 2000 });
  console.log(e.name, r.backend, r.us_per_step_median.toFixed(1), "us", r.gflops.toFixed(2), "GFLOP/s", r.peak_rss_mb.toFixed(0), "MB");
}
