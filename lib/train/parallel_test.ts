import assert from "node:assert/strict";
import { type Backend, createWasmBackend, tsBackend } from "../backend/mod.ts";
import { scaleUnit } from "../data/mod.ts";
import { softmaxCrossEntropy } from "../losses/mod.ts";
import { Sgd } from "../optim/mod.ts";
import { createRng } from "../rng/mod.ts";
import { needs } from "../testing/io.ts";
import { countingWorkers, smallModel, stripes } from "./_fixtures.ts";
import { type Replica, threadsWarning } from "./parallel.ts";
import { train } from "./train.ts";

const replica: Replica = { module: new URL("./_fixtures.ts", import.meta.url).href, export: "smallReplica" };

/** Two epochs of 60 stripes (the last batch of each epoch is short) from fixed weights; the weights after. */
async function trained(
  backend: Backend,
  options: { threads: number; batchSize: number; replica?: Replica; warnings?: string[] },
): Promise<Float32Array[]> {
  const model = smallModel(3);
  model.useBackend(backend);
  await train(model, { train: stripes(60), transform: scaleUnit }, {
    epochs: 2,
    batchSize: options.batchSize,
    optimizer: new Sgd(model.params(), { lr: 0.2, backend }),
    loss: softmaxCrossEntropy,
    rng: createRng(1),
    backend,
    threads: options.threads,
    replica: options.replica ?? replica,
    warn: (line) => options.warnings?.push(line),
  });
  return model.params().map((p) => Float32Array.from(p.value));
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  return Math.max(...a.flatMap((values, k) => [...values].map((v, i) => Math.abs(v - b[k]![i]!))));
}

for (const make of [() => tsBackend, () => createWasmBackend({ memoryMiB: 16 })]) {
  Deno.test(
    `train() on 2 threads repeats itself to the bit and matches 1 thread: ${make().name}`,
    needs("read"),
    async () => {
      const two = await trained(make(), { threads: 2, batchSize: 8 });
      assert.deepEqual(await trained(make(), { threads: 2, batchSize: 8 }), two);
      const one = await trained(make(), { threads: 1, batchSize: 8 });
      assert.ok(maxDifference(one, smallModel(3).params().map((p) => p.value as Float32Array)) > 0.05, "weights moved");
      assert.ok(maxDifference(two, one) < 1e-5, `2 threads differ from 1 by ${maxDifference(two, one)}`);
      // Shares of 3, 3 and 2 samples: each gradient must be weighted by its share.
      const three = await trained(make(), { threads: 3, batchSize: 8 });
      assert.ok(maxDifference(three, one) < 1e-5, `3 threads differ from 1 by ${maxDifference(three, one)}`);
    },
  );
}

Deno.test("train() with threads 2 and batch 1 starts no worker", async () => {
  const counts = await countingWorkers(() => trained(tsBackend, { threads: 2, batchSize: 1 }));
  assert.deepEqual(counts, { started: 0, terminated: 0 });
});

Deno.test("train() reports a worker's error by name and terminates the workers", needs("read"), async () => {
  const exploding = { ...replica, context: { explode: true } };
  const counts = await countingWorkers(() =>
    assert.rejects(
      trained(tsBackend, { threads: 3, batchSize: 8, replica: exploding }),
      /train: worker \d of 2 \(.*_fixtures\.ts#smallReplica\) failed: Error: exploding layer: forward/,
    )
  );
  assert.deepEqual(counts, { started: 2, terminated: 2 });
  await assert.rejects(
    trained(tsBackend, { threads: 2, batchSize: 8, replica: { ...replica, export: "nothing" } }),
    /worker 1 of 1 .* failed: Error: the module has no export nothing with model\(\) and loss/,
  );
});

Deno.test("threadsWarning() warns of more threads than cores, in one line", () => {
  const line = threadsWarning(64, 2)!;
  assert.match(line, /^training on 64 threads with 2 cores: .*slower.* \(use --threads 2 or fewer\)$/);
  assert.doesNotMatch(line, /\n/);
  assert.equal(threadsWarning(2, 2), null);
  assert.equal(threadsWarning(1, 1), null);
});

Deno.test("train() on more threads than cores warns once, and not on as many", needs("read"), async () => {
  const cores = navigator.hardwareConcurrency, threads = Math.min(cores + 1, 8);
  const warnings: string[] = [];
  await trained(tsBackend, { threads, batchSize: 8, warnings });
  assert.deepEqual(warnings, threads > cores ? [threadsWarning(threads, cores)] : []);
  const fitting: string[] = [];
  await trained(tsBackend, { threads: Math.min(cores, 2), batchSize: 8, warnings: fitting });
  assert.deepEqual(fitting, []);
});
