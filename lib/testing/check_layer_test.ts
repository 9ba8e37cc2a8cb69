import assert from "node:assert/strict";
import { Conv2d, Dense, gaussian, type Layer, Relu, Sequential } from "../layers/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Param, Tensor } from "../tensor/mod.ts";
import { assertGradientsMatch, checkLayerGradients, checkModelGradients } from "./check_layer.ts";

// These tests feed deliberately wrong backward passes to the checker and
// expect it to report them: a check that cannot fail proves nothing.

/** Wraps a layer and corrupts its backward after the fact. */
class Broken implements Layer {
  readonly kind: string;
  constructor(readonly inner: Layer, readonly corrupt: (dx: Tensor, params: Param[]) => void) {
    this.kind = inner.kind;
  }
  forward(x: Tensor) {
    return this.inner.forward(x);
  }
  backward(dy: Tensor) {
    const dx = this.inner.backward(dy);
    const copy = { data: Float64Array.from(dx.data), shape: dx.shape };
    this.corrupt(copy, this.inner.params());
    return copy;
  }
  params() {
    return this.inner.params();
  }
  outputShape(input: readonly number[]) {
    return this.inner.outputShape(input);
  }
  describe() {
    return "broken " + this.inner.describe();
  }
}

function input(shape: number[], seed: number): Tensor {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
  return { data, shape };
}

function conv(seed: number) {
  return new Conv2d({
    input: [2, 5, 5],
    filters: 2,
    kernel: 3,
    padding: "same",
    biasInit: gaussian(0.1),
    dtype: "float64",
    rng: createRng(seed),
  });
}

Deno.test("checkLayerGradients() catches a kernel gradient scaled by 1.01", () => {
  const layer = new Broken(conv(1), (_dx, params) => params[0]!.grad.forEach((g, i, a) => (a[i] = g * 1.01)));
  const results = checkLayerGradients(layer, input([1, 2, 5, 5], 2), { rng: createRng(3) });
  assert.throws(() => assertGradientsMatch(results), /kernel\[\d+\]: analytic .* relative error/);
  // Only the broken array fails: input and bias still pass.
  assert.deepEqual(results.filter((r) => r.maxError > 1e-6).map((r) => r.name), ["kernel"]);
});

Deno.test("checkLayerGradients() catches an input gradient with one term dropped", () => {
  const layer = new Broken(conv(4), (dx) => (dx.data[7] = 0));
  const results = checkLayerGradients(layer, input([2, 2, 5, 5], 5), { rng: createRng(6) });
  assert.throws(() => assertGradientsMatch(results), /x\[7\]/);
});

Deno.test("checkLayerGradients() catches a dense bias gradient missing its batch sum", () => {
  const dense = new Dense({ inputs: 4, units: 3, dtype: "float64", rng: createRng(7) });
  // As if db came from the first sample alone: halve it for a batch of 2 with equal rows.
  const layer = new Broken(dense, (_dx, params) => params[1]!.grad.forEach((g, i, a) => (a[i] = g / 2)));
  const rows = input([1, 4], 8);
  const x = { data: Float64Array.from([...rows.data, ...rows.data]), shape: [2, 4] };
  assert.throws(() => assertGradientsMatch(checkLayerGradients(layer, x, { rng: createRng(9) })), /bias/);
});

Deno.test("checkModelGradients() catches a ReLU that passes gradient through negative inputs", () => {
  class LeakyWrong extends Relu {
    override backward(dy: Tensor): Tensor {
      return { data: Float64Array.from(dy.data), shape: dy.shape };
    }
  }
  const rng = createRng(10);
  const model = new Sequential([
    new Dense({ inputs: 6, units: 5, biasInit: gaussian(0.1), dtype: "float64", rng }),
    new LeakyWrong(),
    new Dense({ inputs: 5, units: 3, dtype: "float64", rng }),
  ], { inputShape: [6] });
  const results = checkModelGradients(model, {
    x: input([2, 6], 11),
    labels: Int32Array.of(0, 2),
    loss: softmaxCrossEntropy,
  }, { rng });
  assert.throws(() => assertGradientsMatch(results), /0\.dense\.(weight|bias)|x\[/);
});

Deno.test("checkModelGradients() catches a loss gradient missing the 1/N of the mean", () => {
  const rng = createRng(12);
  const model = new Dense({ inputs: 3, units: 4, dtype: "float64", rng });
  const wrongLoss = (logits: Tensor, labels: Int32Array) => {
    const result = softmaxCrossEntropy(logits, labels);
    result.dlogits.data.forEach((g, i, a) => (a[i] = g * labels.length));
    return result;
  };
  const results = checkModelGradients(
    model,
    { x: input([3, 3], 13), labels: Int32Array.of(0, 1, 3), loss: wrongLoss },
    { rng },
  );
  assert.throws(() => assertGradientsMatch(results), /gradient check failed/);
});
