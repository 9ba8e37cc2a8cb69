import { createWasmBackend } from "../lib/backend/mod.ts";
import { createRng } from "../lib/rng/mod.ts";
const rng = createRng(1);
const be = createWasmBackend();
const rand = (shape: number[]) => {
  const a = be.allocate(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return { data: a, shape };
};
function time(name: string, fn: () => void, n = 3000) {
  for (let i = 0; i < 500; i++) {
    be.beginStep();
    fn();
  }
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    be.beginStep();
    fn();
  }
  console.log(name.padEnd(40), ((performance.now() - t) * 1000 / n).toFixed(2), "us");
}
const x1 = rand([1, 1, 28, 28]), w8 = rand([8, 1, 3, 3]);
time("conv fwd 1->8 3x3 valid", () => be.conv2dForward(x1, w8));
const c = be.conv2dForward(x1, w8);
const dyc = rand([1, 8, 26, 26]);
time("conv bwd 1->8 (dense dy, no dx)", () => be.conv2dBackward(dyc, c.cache, { inputGradient: false }));
const x6 = rand([1, 6, 28, 28]), w6 = rand([6, 6, 5, 5]), b6 = rand([6, 28, 28]);
time("conv fwd 6->6 5x5 same", () => be.conv2dForward(x6, w6, { padding: "same", bias: b6 }));
const c6 = be.conv2dForward(x6, w6, { padding: "same", bias: b6 });
const dy6 = rand([1, 6, 28, 28]);
for (let i = 0; i < dy6.data.length; i++) if (i % 5) dy6.data[i] = 0;
time("conv bwd 6->6 (1/5 dense dy)", () => be.conv2dBackward(dy6, c6.cache));
const p = be.maxPool2dForward(x6, { window: 2 });
time("pool fwd", () => be.maxPool2dForward(x6, { window: 2 }));
const dyp = rand([1, 6, 14, 14]);
time("pool bwd", () => be.maxPool2dBackward(dyp, p.cache));
time("relu fwd 4704", () => be.reluForward(x6));
const h = rand([1, 1176]), w = rand([1176, 100]), b = rand([100]);
for (let i = 0; i < 1176; i += 3) h.data[i] = 0;
time("dense fwd 1176->100", () => be.denseForward(h, w, { bias: b }));
const d = be.denseForward(h, w, { bias: b });
const dyd = rand([1, 100]);
const gw = be.allocate(117600), gb = be.allocate(100);
time("dense bwd 1176->100", () => be.denseBackward(dyd, d.cache, { dw: gw, db: gb }));
time("sgd 117600", () => be.sgdUpdate(w.data, gw, 0.001));
const hz = rand([1, 1352]), wz = rand([1352, 10]), bz = rand([10]);
time("dense fwd 1352->10", () => be.denseForward(hz, wz, { bias: bz }));
const dz = be.denseForward(hz, wz, { bias: bz });
const dyz = rand([1, 10]);
time("dense bwd 1352->10", () => be.denseBackward(dyz, dz.cache));
const xf = rand([1, 1, 28, 28]), wf = rand([6, 1, 5, 5]), bf = rand([6, 28, 28]);
time("conv fwd 1->6 5x5 same", () => be.conv2dForward(xf, wf, { padding: "same", bias: bf }));
const cf = be.conv2dForward(xf, wf, { padding: "same", bias: bf });
time("conv bwd 1->6 no dx", () => be.conv2dBackward(dy6, cf.cache, { inputGradient: false }));
time("conv bwd 6->6 no dx", () => be.conv2dBackward(dy6, c6.cache, { inputGradient: false }));
