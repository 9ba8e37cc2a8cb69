import assert from "node:assert/strict";
import { type Backend, createWasmBackend, tsBackend } from "../backend/mod.ts";
import { scaleUnit } from "../data/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { needs } from "../testing/io.ts";
import { countingWorkers, smallModel, stripes } from "./_fixtures.ts";
import { evaluate, type Evaluation } from "./evaluate.ts";
import type { Replica } from "./parallel.ts";
import { type EvaluationHelper, SHARED_EVALUATION_MIN, startEvaluationHelper } from "./shared_evaluation.ts";
import { type EvaluationLog, train } from "./train.ts";

const replica: Replica = { module: new URL("./_fixtures.ts", import.meta.url).href, export: "smallReplica" };
const how = { transform: scaleUnit, loss: softmaxCrossEntropy };

async function readyOrFailed(helper: EvaluationHelper): Promise<void> {
  while (!helper.ready && helper.failure === null) await new Promise((resolve) => setTimeout(resolve, 10));
}

function assertSame(actual: Evaluation, expected: Evaluation): void {
  assert.deepEqual([...actual.losses], [...expected.losses]);
  assert.deepEqual([...actual.predicted], [...expected.predicted]);
  assert.equal(actual.loss, expected.loss);
  assert.deepEqual(actual.confusion, expected.confusion);
  assert.equal(actual.macroF1, expected.macroF1);
}

for (const make of [() => tsBackend, () => createWasmBackend({ memoryMiB: 16 })]) {
  Deno.test(
    `an evaluation shared with a worker is one thread's to the bit: ${make().name}`,
    needs("read"),
    async () => {
      const backend: Backend = make();
      const model = smallModel(3);
      model.useBackend(backend);
      const set = stripes(SHARED_EVALUATION_MIN + 237);
      const helper = startEvaluationHelper(model, { replica, backend, loss: softmaxCrossEntropy });
      try {
        await readyOrFailed(helper);
        assert.equal(helper.failure, null);
        for (const batchSize of [100, 64, 1]) {
          const one = evaluate(model, set, { ...how, backend, batchSize });
          assertSame(await helper.evaluate(model, set, { ...how, backend, batchSize }), one);
        }
        assert.ok(helper.workerBatches > 0, "the worker took batches");
        // New weights travel with each request.
        model.params()[0]!.value[0]! += 0.5;
        assertSame(await helper.evaluate(model, set, { ...how, backend }), evaluate(model, set, { ...how, backend }));
        assert.equal(helper.failure, null);
        assert.ok(helper.ready);
      } finally {
        helper.close();
      }
    },
  );
}

Deno.test("a worker whose replica computes otherwise, or fails, is not used: the results stay one thread's", async () => {
  const model = smallModel(3);
  const set = stripes(SHARED_EVALUATION_MIN + 50);
  const one = evaluate(model, set, how);
  for (const context of [{ relu: true }, { explode: true }]) {
    const helper = startEvaluationHelper(model, {
      replica: { ...replica, context },
      backend: tsBackend,
      loss: softmaxCrossEntropy,
    });
    try {
      await readyOrFailed(helper);
      assertSame(await helper.evaluate(model, set, how), one);
      assert.match(helper.failure ?? "", context.relu ? /another loss/ : /exploding layer: forward/);
      assert.equal(helper.ready, false);
      assertSame(await helper.evaluate(model, set, how), one);
    } finally {
      helper.close();
    }
  }
});

/** Three epochs of training with a set of 1,010 images evaluated after each; each evaluation's results. */
async function evaluationsOfRun(shareEvaluations: boolean) {
  const model = smallModel(3);
  const logs: EvaluationLog[] = [];
  const set = stripes(SHARED_EVALUATION_MIN + 10, 7);
  await train(model, { train: stripes(40), transform: scaleUnit, evaluations: [{ split: "test", set }] }, {
    epochs: 3,
    batchSize: 4,
    optimizer: new Sgd(model.params(), { lr: 0.2 }),
    loss: softmaxCrossEntropy,
    rng: createRng(1),
    replica,
    shareEvaluations,
    onEvaluation: (log) => logs.push(log),
  });
  return logs.map((log) => [log.loss, log.accuracy, log.macroF1, [...log.losses], [...log.predicted]]);
}

Deno.test("train() shares its evaluations with a worker, with the same results as without", needs("read"), async () => {
  let shared: unknown, alone: unknown;
  const sharing = await countingWorkers(async () => (shared = await evaluationsOfRun(true)));
  assert.deepEqual(sharing, { started: 1, terminated: 1 });
  const notSharing = await countingWorkers(async () => (alone = await evaluationsOfRun(false)));
  assert.deepEqual(notSharing, { started: 0, terminated: 0 }, "no worker without shareEvaluations");
  assert.deepEqual(shared, alone);
});

Deno.test("train() where no worker can be started evaluates on its own thread, with the same results", async () => {
  const Original = globalThis.Worker;
  const alone = await evaluationsOfRun(false);
  globalThis.Worker = class {
    constructor() {
      throw new Error("no workers here");
    }
  } as unknown as typeof Worker;
  try {
    assert.deepEqual(await evaluationsOfRun(true), alone);
  } finally {
    globalThis.Worker = Original;
  }
});
