import assert from "node:assert/strict";
import { batchOf, scaleUnit } from "../data/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { Adam, Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { abortAfter } from "../testing/io.ts";
import { smallModel, stripes } from "./_fixtures.ts";
import { DivergedError, InterruptedError } from "./errors.ts";
import { type IntervalLog, type SampleOrder, train, type TrainPosition, type TrainResult } from "./train.ts";

function probabilityOfTruth(
  model: ReturnType<typeof smallModel>,
  x: ReturnType<typeof batchOf>["x"],
  label: number,
): number {
  const logits = model.forward(x).data;
  const max = Math.max(...logits);
  const exps = [...logits].map((z) => Math.exp(z - max));
  return exps[label]! / exps.reduce((a, b) => a + b, 0);
}

Deno.test("train() one SGD step on a sample raises the probability of its true class", async () => {
  const set = stripes(1);
  const model = smallModel(3);
  const { x, labels } = batchOf(set, Int32Array.of(0), { transform: scaleUnit });
  const before = probabilityOfTruth(model, x, labels[0]!);
  const result = await train(model, { train: set, transform: scaleUnit }, {
    epochs: 1,
    batchSize: 1,
    optimizer: new Sgd(model.params(), { lr: 0.1 }),
    loss: softmaxCrossEntropy,
    rng: createRng(0),
  });
  assert.equal(result.samplesSeen, 1, "one step on one sample");
  const after = probabilityOfTruth(model, x, labels[0]!);
  assert.ok(after > before, `p(true) went from ${before} to ${after}`);
});

Deno.test("train() learns the stripes and logs every interval", async () => {
  const set = stripes(300);
  const model = smallModel(4);
  const logs: IntervalLog[] = [];
  const result = await train(model, {
    train: set,
    transform: scaleUnit,
    evaluations: [{ split: "test", set: stripes(100, 9) }],
  }, {
    epochs: 3,
    batchSize: 1,
    optimizer: new Sgd(model.params(), { lr: 0.05 }),
    loss: softmaxCrossEntropy,
    rng: createRng(0),
    logEvery: 100,
    onInterval: (log) => logs.push(log),
  });
  assert.equal(logs.length, 9);
  assert.equal(result.samplesSeen, 900);
  assert.deepEqual(logs.slice(0, 3).map((l) => [l.epoch, l.step, l.samplesSeen]), [[1, 100, 100], [1, 200, 200], [
    1,
    300,
    300,
  ]]);
  assert.ok(result.final.test!.accuracy > 0.9, `test accuracy ${result.final.test!.accuracy}`);
});

Deno.test("train() leaves frozen parameters bit-identical while the others move", async () => {
  const model = smallModel(5, { frozenConv: true });
  const frozen = model.params().filter((p) => p.frozen);
  assert.equal(frozen.length, 2, "conv kernel and bias are frozen");
  const before = frozen.map((p) => p.value.slice());
  const live = model.params().find((p) => !p.frozen)!;
  const liveBefore = live.value.slice();
  await train(model, { train: stripes(64), transform: scaleUnit }, {
    epochs: 2,
    batchSize: 8,
    optimizer: new Sgd(model.params(), { lr: 0.1 }),
    loss: softmaxCrossEntropy,
    rng: createRng(1),
  });
  frozen.forEach((p, i) => assert.deepEqual(p.value, before[i]));
  assert.notDeepEqual(live.value, liveBefore);
});

Deno.test("train() averages mini-batch gradients: one step of 8 samples is the mean of 8 one-sample gradients", async () => {
  const set = stripes(8);
  const batched = smallModel(5);
  await train(batched, { train: set, transform: scaleUnit }, {
    epochs: 1,
    batchSize: 8,
    optimizer: new Sgd(batched.params(), { lr: 0.1 }),
    loss: softmaxCrossEntropy,
    rng: createRng(1),
  });
  const single = smallModel(5);
  const sums = single.params().map((p) => new Float64Array(p.value.length));
  for (let i = 0; i < set.count; i++) {
    const { x, labels } = batchOf(set, Int32Array.of(i), { transform: scaleUnit });
    single.backward(softmaxCrossEntropy(single.forward(x), labels).dlogits);
    single.params().forEach((p, k) => p.grad.forEach((g, j) => sums[k]![j]! += g));
  }
  single.params().forEach((p, k) => {
    const expected = p.value.map((w, j) => w - 0.1 * sums[k]![j]! / set.count);
    const moved = batched.params()[k]!.value;
    const worst = Math.max(...expected.map((w, j) => Math.abs(w - moved[j]!)));
    assert.ok(worst < 1e-6, `${p.name}: differs from the mean gradient's step by up to ${worst}`);
  });
});

Deno.test("train() with the same seed twice gives bit-identical weights, in every sample order", async () => {
  for (const order of ["reshuffle", "shuffle-once", "with-replacement"] as const) {
    const run = async (seed: number) => {
      const model = smallModel(6);
      await train(model, { train: stripes(50), transform: scaleUnit }, {
        epochs: 2,
        batchSize: 1,
        order,
        optimizer: new Sgd(model.params(), { lr: 0.05 }),
        loss: softmaxCrossEntropy,
        rng: createRng(seed),
      });
      return model.params().map((p) => p.value);
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    assert.deepEqual(a, b, `order ${order}`);
    assert.notDeepEqual(a, c, `order ${order}: another seed gives another order`);
  }
});

Deno.test("train() stops with DivergedError naming the step when the loss is not finite", async () => {
  const model = smallModel(7);
  model.params()[0]!.value[0] = NaN;
  await assert.rejects(
    train(model, { train: stripes(10), transform: scaleUnit }, {
      epochs: 1,
      batchSize: 1,
      optimizer: new Sgd(model.params(), { lr: 0.1 }),
      loss: softmaxCrossEntropy,
      rng: createRng(0),
    }),
    (error: unknown) =>
      error instanceof DivergedError && error.step === 1 && /loss NaN at epoch 1, step 1/.test(error.message),
  );
});

Deno.test("train() stops with InterruptedError when its signal is aborted", async () => {
  const model = smallModel(8);
  const controller = new AbortController();
  const seen: number[] = [];
  await assert.rejects(
    train(model, { train: stripes(100), transform: scaleUnit }, {
      epochs: 1,
      batchSize: 1,
      logEvery: 10,
      optimizer: new Sgd(model.params(), { lr: 0.1 }),
      loss: softmaxCrossEntropy,
      rng: createRng(0),
      signal: controller.signal,
      onInterval: (log) => {
        seen.push(log.step);
        if (log.step === 30) controller.abort("test");
      },
    }),
    (error: unknown) => error instanceof InterruptedError && error.step === 31,
  );
  assert.deepEqual(seen, [10, 20, 30]);
});

Deno.test("train() yields through yieldToEventLoop after each interval, before the next one starts", async () => {
  const model = smallModel(8);
  const events: string[] = [];
  await train(model, { train: stripes(25), transform: scaleUnit }, {
    epochs: 1,
    batchSize: 1,
    logEvery: 10,
    optimizer: new Sgd(model.params(), { lr: 0.1 }),
    loss: softmaxCrossEntropy,
    rng: createRng(0),
    onInterval: (log) => events.push(`row ${log.step}`),
    yieldToEventLoop: () => (events.push("yield"), Promise.resolve()),
  });
  assert.deepEqual(events, ["row 10", "yield", "row 20", "yield", "row 25", "yield"]);
});

Deno.test("train() from an InterruptedError's position goes on bit for bit, in every sample order", async () => {
  const run = async (order: SampleOrder, options: { signal?: AbortSignal; from?: Resumable }): Promise<Outcome> => {
    const model = smallModel(6);
    if (options.from) model.params().forEach((p, k) => p.value.set(options.from!.weights[k]!));
    const optimizer = new Adam(model.params(), { lr: 0.01 });
    const rng = createRng(5);
    if (options.from) {
      optimizer.restore(options.from.optimizer);
      rng.restore(options.from.rng);
    }
    const logs: Omit<IntervalLog, "elapsedSeconds">[] = [];
    const data = { train: stripes(20), transform: scaleUnit, evaluations: [{ split: "test", set: stripes(9, 3) }] };
    const settings = { epochs: 3, batchSize: 3, order, logEvery: 3, loss: softmaxCrossEntropy };
    try {
      const result = await train(model, data, {
        ...settings,
        optimizer,
        rng,
        signal: options.signal,
        from: options.from?.position,
        onInterval: ({ elapsedSeconds: _, ...log }) => logs.push(log),
      });
      return { logs, result, weights: model.params().map((p) => p.value) };
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      const weights = model.params().map((p) => p.value.slice());
      const stopped = { position: error.position!, optimizer: optimizer.state(), rng: rng.state(), weights };
      return { logs, stopped };
    }
  };
  for (const order of ["reshuffle", "shuffle-once", "with-replacement"] as const) {
    const whole = await run(order, {});
    // 7 steps per epoch: before the first, mid-interval, at the epoch boundary, at the last step.
    for (const after of [0, 4, 7, 20]) {
      const first = await run(order, { signal: abortAfter(after) });
      const rest = await run(order, { from: first.stopped! });
      const label = `order ${order}, interrupted after ${after} steps`;
      assert.deepEqual([...first.logs, ...rest.logs], whole.logs, label);
      assert.deepEqual(rest.weights, whole.weights, label);
      assert.deepEqual(rest.result, whole.result, label);
    }
  }
});

/** What a caller keeps of an interrupted training to go on from. */
interface Resumable {
  position: TrainPosition;
  optimizer: ReturnType<Adam["state"]>;
  rng: number[];
  weights: (Float32Array | Float64Array)[];
}

/** A run of that test: its interval logs, and how it ended. */
interface Outcome {
  logs: Omit<IntervalLog, "elapsedSeconds">[];
  result?: TrainResult;
  weights?: (Float32Array | Float64Array)[];
  stopped?: Resumable;
}
