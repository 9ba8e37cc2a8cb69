import assert from "node:assert/strict";
import * as reference from "../../kernels/mod.ts";
import { createRng, type Rng } from "../../rng/mod.ts";
import { sizeOf, type Tensor } from "../../tensor/mod.ts";
import { skipReason } from "../../testing/io.ts";
import { wasmCpuFeatures } from "./cpu_features.ts";
import { createWasmBackend } from "./wasm_backend.ts";

// float32 kernels summing up to a few hundred products of N(0,1) values: the
// two backends round differently, by a few ulps of the largest partial sum.
const TOLERANCE = 1e-4;

const random = (shape: number[], rng: Rng, zeroEvery = 0): Tensor => {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = zeroEvery && i % zeroEvery === 0 ? 0 : rng.normal();
  return { data, shape };
};

/** Normal samples at every `keepEvery`-th position, zeros elsewhere. */
const sparse = (shape: number[], rng: Rng, keepEvery: number): Tensor => {
  const t = random(shape, rng);
  for (let i = 0; i < t.data.length; i++) if (i % keepEvery) t.data[i] = 0;
  return t;
};

/** The largest |a - b| relative to max(1, |b|), or Infinity when the lengths differ. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  }
  assert.ok(worst <= TOLERANCE, `${what}: differs from the reference by ${worst}`);
}

const convCases = [
  {
    name: "fashion conv1: 1->6 5x5 same, bias per position",
    x: [1, 1, 28, 28],
    w: [6, 1, 5, 5],
    padding: "same",
    bias: "position",
  },
  {
    name: "fashion conv2: 6->6 5x5 same, bias per position",
    x: [1, 6, 28, 28],
    w: [6, 6, 5, 5],
    padding: "same",
    bias: "position",
  },
  {
    name: "batch 2, bias per position: 2->3 3x3 same on 6x7",
    x: [2, 2, 6, 7],
    w: [3, 2, 3, 3],
    padding: "same",
    bias: "position",
  },
  {
    name: "zhou: 1->8 3x3 valid, no bias, batch 3",
    x: [3, 1, 28, 28],
    w: [8, 1, 3, 3],
    padding: "valid",
    bias: "none",
  },
  {
    name: "odd sizes: 3->5 2x4, padding 1, bias per channel",
    x: [2, 3, 7, 9],
    w: [5, 3, 2, 4],
    padding: 1,
    bias: "channel",
  },
  {
    name: "same with odd total padding: 2->1 4x4 on 5x6",
    x: [1, 2, 5, 6],
    w: [1, 2, 4, 4],
    padding: "same",
    bias: "channel",
  },
  { name: "wide rows: 1->3 3x3 same on 3x37", x: [2, 1, 3, 37], w: [3, 1, 3, 3], padding: "same", bias: "none" },
  {
    name: "wide kernel rows: 2->2 3x7 same on 5x30",
    x: [2, 2, 5, 30],
    w: [2, 2, 3, 7],
    padding: "same",
    bias: "channel",
  },
  { name: "tall kernels: 2->3 7x2 same on 9x10", x: [1, 2, 9, 10], w: [3, 2, 7, 2], padding: "same", bias: "none" },
  { name: "pointwise on tiny planes: 3->2 1x1", x: [3, 3, 4, 5], w: [2, 3, 1, 1], padding: "valid", bias: "none" },
  { name: "stride 2 (reference path)", x: [1, 2, 9, 9], w: [3, 2, 3, 3], padding: 1, bias: "channel", stride: 2 },
] as const;

// Both builds: the plain kernels, and the fma ones whose multiply-adds are fused.
const builds = [{ name: "wasm", fma: false }, { name: "wasm-fma", fma: true }] as const;

for (const [c, build] of convCases.flatMap((c) => builds.map((b) => [c, b] as const))) {
  Deno.test(`${build.name} conv2d forward and backward match the reference: ${c.name}`, () => {
    const rng = createRng(7), backend = createWasmBackend({ memoryMiB: 16, fma: build.fma });
    const x = random([...c.x], rng), w = random([...c.w], rng);
    const geometry = reference.conv2dSizes(x, w, { padding: c.padding, stride: "stride" in c ? c.stride : 1 });
    const biasShape = c.bias === "none"
      ? null
      : c.bias === "channel"
      ? [c.w[0]]
      : [c.w[0], geometry.outHeight, geometry.outWidth];
    const options = {
      padding: c.padding,
      stride: "stride" in c ? c.stride : 1,
      bias: biasShape && random(biasShape, rng),
    };
    const expected = reference.conv2dForward(x, w, options), actual = backend.conv2dForward(x, w, options);
    assert.deepEqual(actual.y.shape, expected.y.shape);
    assertClose(actual.y.data, expected.y.data, "y");
    // A third zeros (the dense input gradient), then four fifths zeros, as after max-pooling (the scatter).
    for (const dy of [random([...expected.y.shape], rng, 3), sparse([...expected.y.shape], rng, 5)]) {
      const want = reference.conv2dBackward(dy, expected.cache), got = backend.conv2dBackward(dy, actual.cache);
      assertClose(got.dx!.data, want.dx!.data, "dx");
      assertClose(got.dw.data, want.dw.data, "dw");
      if (want.db) assertClose(got.db!.data, want.db.data, "db");
      assert.equal(backend.conv2dBackward(dy, actual.cache, { inputGradient: false }).dx, null);
    }
  });
}

// Rows of whole blocks of 28 run two filters at a time; one filter alone runs the one-filter kernel.
const pairCases = [
  { name: "fashion conv2: 6->6 5x5 same, bias per position", x: [1, 6, 28, 28], w: [6, 6, 5, 5], bias: "position" },
  { name: "5->5 3x3 same on 3x56, bias per channel, batch 2", x: [2, 2, 3, 56], w: [5, 2, 3, 3], bias: "channel" },
  { name: "2->3 5x5 same on 4x28, no bias", x: [1, 2, 4, 28], w: [3, 2, 5, 5], bias: "none" },
] as const;
for (const [c, build] of pairCases.flatMap((c) => builds.map((b) => [c, b] as const))) {
  Deno.test(`${build.name} conv2d forward two filters at a time equals one at a time, to the bit: ${c.name}`, () => {
    const rng = createRng(11), backend = createWasmBackend({ memoryMiB: 16, fma: build.fma });
    const [N, , H, W] = c.x, [F, C, K] = c.w, plane = H * W, taps = C * K * K;
    const x = random([...c.x], rng), w = random([...c.w], rng);
    const bias = c.bias === "none" ? null : random(c.bias === "channel" ? [F] : [F, H, W], rng);
    const all = backend.conv2dForward(x, w, { padding: "same", bias }).y.data.slice();
    for (let f = 0; f < F; f++) {
      const one = { data: w.data.slice(f * taps, (f + 1) * taps), shape: [1, C, K, K] };
      const own = bias && {
        data: c.bias === "channel" ? bias.data.slice(f, f + 1) : bias.data.slice(f * plane, (f + 1) * plane),
        shape: c.bias === "channel" ? [1] : [1, H, W],
      };
      const y = backend.conv2dForward(x, one, { padding: "same", bias: own }).y.data;
      for (let n = 0; n < N; n++) {
        const got = all.subarray((n * F + f) * plane, (n * F + f + 1) * plane),
          want = y.subarray(n * plane, (n + 1) * plane);
        assert.ok(got.every((v, i) => Object.is(v, want[i])), `filter ${f} of sample ${n} differs`);
      }
    }
  });
}

const denseCases = [[1, 1176, 100], [3, 50, 10], [2, 7, 1], [5, 33, 37], [1, 9, 64]] as const;
for (const [[N, I, O], build] of denseCases.flatMap((c) => builds.map((b) => [c, b] as const))) {
  Deno.test(`${build.name} dense forward and backward match the reference: batch ${N}, ${I}->${O}`, () => {
    const rng = createRng(N * 1000 + O), backend = createWasmBackend({ memoryMiB: 16, fma: build.fma });
    const x = random([N!, I!], rng, 2), w = random([I!, O!], rng), b = random([O!], rng);
    const expected = reference.denseForward(x, w, { bias: b }), actual = backend.denseForward(x, w, { bias: b });
    assertClose(actual.y.data, expected.y.data, "y");
    const dy = random([N!, O!], rng);
    const want = reference.denseBackward(dy, expected.cache);
    const into = { dw: backend.allocate(I! * O!), db: new Float32Array(O!) }; // one inside its memory, one outside
    const got = backend.denseBackward(dy, actual.cache, into);
    assertClose(got.dx.data, want.dx.data, "dx");
    assertClose(into.dw, want.dw.data, "dw");
    assertClose(into.db, want.db!.data, "db");
  });
}

// [inputs, outputs, every how many inputs a zero (0: none)]: four rows at a time need four non-zero inputs.
for (
  const [I, O, zeroEvery] of [[1176, 100, 3], [1176, 100, 0], [21, 10, 3], [22, 10, 0], [66, 7, 0], [63, 7, 3], [
    9,
    6,
    3,
  ], [
    787,
    1,
    3,
  ]]
) {
  Deno.test(`the wasm dense backward with SGD fused in equals the unfused kernels to the bit: ${I}->${O}, zeros ${zeroEvery ? `every ${zeroEvery}` : "none"}`, () => {
    const rng = createRng(I! + O! + zeroEvery!), backend = createWasmBackend({ memoryMiB: 16 });
    const x = random([1, I!], rng, zeroEvery), dy = random([1, O!], rng), lr = 0.01;
    const weights = () => {
      const w = { data: backend.allocate(I! * O!), shape: [I!, O!] };
      w.data.set(random([I!, O!], createRng(1)).data);
      return w;
    };
    const plain = weights(), fused = weights();
    const unfused = backend.denseBackward(dy, backend.denseForward(x, plain).cache);
    backend.sgdUpdate(plain.data, unfused.dw.data, lr);
    const got = backend.denseBackward(dy, backend.denseForward(x, fused).cache, { sgdLr: lr });
    assert.deepEqual(got.dx.data, unfused.dx.data, "dx");
    assert.deepEqual(fused.data, plain.data, "updated weights");
  });
}

Deno.test("wasm max-pool keeps the first of a -0 and +0 tie, as the reference's '>' does", () => {
  const backend = createWasmBackend({ memoryMiB: 16 });
  // 2x2 windows (the vector path) and 3x1 windows (the general path); -1 never wins.
  const x = { data: Float32Array.from([-0, 0, 0, -0, -1, -1, -1, -1, 0, -0, -0, 0]), shape: [1, 1, 3, 4] };
  for (const options of [{ window: 2 }, { window: [3, 1] as const, stride: 1 }]) {
    const expected = reference.maxPool2dForward(x, options), actual = backend.maxPool2dForward(x, options);
    assert.deepEqual([...actual.cache.argmax], [...expected.cache.argmax]);
    assert.ok([...actual.y.data].every((v, i) => Object.is(v, expected.y.data[i])), "the same signed zeros");
  }
});

Deno.test("wasm max-pool, ReLU and SGD match the reference exactly, ties and overlapping windows included", () => {
  const rng = createRng(3), backend = createWasmBackend({ memoryMiB: 16 });
  const x = random([2, 3, 9, 8], rng);
  x.data.fill(1.5, 0, 6); // ties: the first maximum takes the gradient
  const wide = random([1, 2, 6, 14], rng); // 2x2 windows: seven per row, four at a time and three one by one
  const cases = [{ window: 2 }, { window: 3, stride: 2 }, { window: [2, 3] as const, stride: 1 }].map((o) =>
    [x, o] as const
  );
  for (const [x, options] of [...cases, [wide, { window: 2 }] as const]) {
    const expected = reference.maxPool2dForward(x, options), actual = backend.maxPool2dForward(x, options);
    assert.deepEqual([...actual.y.data], [...expected.y.data]);
    assert.deepEqual([...actual.cache.argmax], [...expected.cache.argmax]);
    const dy = random([...expected.y.shape], rng);
    assert.deepEqual(
      [...backend.maxPool2dBackward(dy, actual.cache).data],
      [...reference.maxPool2dBackward(dy, expected.cache).data],
    );
  }
  const y = backend.reluForward(x);
  assert.deepEqual([...y.data], [...reference.reluForward(x).data]);
  assert.deepEqual([...backend.reluBackward(x, y).data], [...reference.reluBackward(x, y).data]);
  const value = backend.allocate(11), grad = backend.allocate(11);
  value.set(random([11], rng).data);
  grad.set(random([11], rng).data);
  const copy = value.slice();
  backend.sgdUpdate(value, grad, 0.01);
  reference.sgdUpdate(copy, grad, 0.01);
  assertClose(value, copy, "sgd"); // float32 product in wasm, float64 in the reference
});

Deno.test("the wasm backend passes float64 tensors to the reference kernels", () => {
  const backend = createWasmBackend({ memoryMiB: 16 });
  const x = { data: Float64Array.of(1, -2, 3, -4), shape: [1, 1, 2, 2] };
  const w = { data: Float64Array.of(0.5), shape: [1, 1, 1, 1] };
  const { y } = backend.conv2dForward(x, w);
  assert.ok(y.data instanceof Float64Array);
  assert.deepEqual([...y.data], [0.5, -1, 1.5, -2]);
});

Deno.test("the wasm backend reuses its temporaries after beginStep() and says when its memory is used up", () => {
  const backend = createWasmBackend({ memoryMiB: 1 });
  const x = { data: new Float32Array(50_000), shape: [50_000] };
  backend.beginStep();
  const first = backend.reluForward(x).data;
  backend.beginStep();
  assert.equal(backend.reluForward(x).data.byteOffset, first.byteOffset);
  assert.throws(() => {
    for (let i = 0; i < 10; i++) backend.reluForward(x);
  }, /1 MiB are used up/);
});

Deno.test({
  ...skipReason(
    "the wasm-fma build fuses its multiply-adds where the CPU can: its convolution rounds differently",
    !wasmCpuFeatures().fusedMultiplyAdd && "this CPU's relaxed multiply-adds do not fuse (no FMA), so nothing differs",
  ),
}, () => {
  const rng = createRng(11), x = random([1, 6, 28, 28], rng), w = random([6, 6, 5, 5], rng);
  const plain = createWasmBackend({ memoryMiB: 16 }).conv2dForward(x, w, { padding: "same" }).y.data;
  const fused = createWasmBackend({ memoryMiB: 16, fma: true }).conv2dForward(x, w, { padding: "same" }).y.data;
  assertClose(fused, plain, "y");
  assert.ok(fused.some((v, i) => v !== plain[i]), "every output is bit-identical: the multiply-adds were not fused");
});
