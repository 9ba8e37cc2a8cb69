import assert from "node:assert/strict";
import { batchOf } from "./batch.ts";
import { tinySet } from "../testing/data_files.ts";
import type { ImageSet } from "./image_set.ts";
import { scaleUnit, standardizer } from "./transforms.ts";

Deno.test("batchOf() converts only the selected images, in index order", () => {
  const { x, labels } = batchOf(tinySet(), [2, 0], {
    transform: scaleUnit,
    dtype: "float64",
  });
  assert.deepEqual(x.shape, [2, 1, 2, 2]);
  assert.ok(x.data instanceof Float64Array);
  assert.deepEqual([...x.data], [1, 0, 0, 1, 0, 0.2, 0.4, 1]);
  assert.deepEqual(labels, new Int32Array([1, 2]));
});

Deno.test("batchOf() defaults to float32 and handles one index", () => {
  const { x, labels } = batchOf(tinySet(), [1], { transform: scaleUnit });
  assert.ok(x.data instanceof Float32Array);
  assert.deepEqual(x.shape, [1, 1, 2, 2]);
  assert.deepEqual(
    [...x.data],
    [10, 20, 30, 40].map((v) => Math.fround(v / 255)),
  );
  assert.deepEqual([...labels], [0]);
});

Deno.test("batchOf() applies a fitted standardizer at each image's pixel positions", () => {
  const set = tinySet();
  const standardize = standardizer(set);
  const { x } = batchOf(set, [1], { transform: standardize, dtype: "float64" });
  // pixel 0 over the set: {0, 10, 255}
  const mean = (0 + 10 + 255) / 3;
  const std = Math.sqrt(
    ((0 - mean) ** 2 + (10 - mean) ** 2 + (255 - mean) ** 2) / 3,
  );
  assert.ok(Math.abs(x.data[0] - (10 - mean) / (std + 1e-7)) < 1e-12);
});

Deno.test("batchOf() lays out 3-channel images NCHW", () => {
  const images = new Uint8Array(2 * 3 * 4 * 5).map((_, i) => i % 256);
  const set: ImageSet = {
    images,
    labels: new Uint8Array([0, 1]),
    count: 2,
    channels: 3,
    height: 4,
    width: 5,
    classes: 2,
    classNames: ["p", "q"],
  };
  const { x } = batchOf(set, [1], { transform: scaleUnit, dtype: "float64" });
  assert.deepEqual(x.shape, [1, 3, 4, 5]);
  // element [0, c=2, h=1, w=3] is byte 60 + (2 * 4 + 1) * 5 + 3 of the split
  assert.equal(x.data[(2 * 4 + 1) * 5 + 3], (60 + 48) / 255);
});

Deno.test("batchOf() rejects an index out of range", () => {
  assert.throws(
    () => batchOf(tinySet(), [0, 3], { transform: scaleUnit }),
    /batchOf: index 3 at position 1 is out of range for 3 images/,
  );
  assert.throws(
    () => batchOf(tinySet(), [-1], { transform: scaleUnit }),
    /batchOf: index -1 at position 0/,
  );
});

Deno.test("batchOf() writes into a given buffer: itself when the batch fills it, else a view of its start", () => {
  const into = new Float32Array(8).fill(9);
  const full = batchOf(tinySet(), [2, 0], { transform: scaleUnit, into });
  assert.equal(full.x.data, into);
  assert.deepEqual([...into], [1, 0, 0, 1, 0, 0.2, 0.4, 1].map(Math.fround));
  const one = batchOf(tinySet(), [1], { transform: scaleUnit, into });
  assert.equal(one.x.data.buffer, into.buffer);
  assert.deepEqual([...one.x.data], [10, 20, 30, 40].map((v) => Math.fround(v / 255)));
  assert.throws(() => batchOf(tinySet(), [0, 1, 2], { transform: scaleUnit, into }), /into holds 8 float32, not 12/);
  assert.throws(() => batchOf(tinySet(), [0], { transform: scaleUnit, into, dtype: "float64" }), /not 4 float64/);
});
