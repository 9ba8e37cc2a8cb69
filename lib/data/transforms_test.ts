import assert from "node:assert/strict";
import { tinySet } from "../testing/data_files.ts";
import type { ImageSet } from "./image_set.ts";
import {
  batchOf,
  filterClasses,
  holdOutLast,
  scaleCentered,
  scaleUnit,
  standardizer,
  takeFirst,
  transformFromRecord,
  transformRecord,
} from "./transforms.ts";

Deno.test("takeFirst() returns views of the first n images", () => {
  const set = tinySet();
  const first = takeFirst(set, 2);
  assert.equal(first.count, 2);
  assert.deepEqual([...first.labels], [2, 0]);
  assert.deepEqual([...first.images], [0, 51, 102, 255, 10, 20, 30, 40]);
  assert.equal(first.images.buffer, set.images.buffer); // a view, not a copy
  assert.equal(takeFirst(set, 0).count, 0);
  assert.throws(
    () => takeFirst(set, 4),
    /takeFirst: n must be an integer in \[0, 3\], got 4/,
  );
  assert.throws(() => takeFirst(set, 1.5), /takeFirst: n must be an integer/);
});

Deno.test("holdOutLast() splits off the last n images as views", () => {
  const set = tinySet();
  const { train, validation } = holdOutLast(set, 1);
  assert.deepEqual([train.count, validation.count], [2, 1]);
  assert.deepEqual([...train.labels], [2, 0]);
  assert.deepEqual([...validation.labels], [1]);
  assert.deepEqual([...validation.images], [255, 0, 0, 255]);
  assert.equal(validation.images.buffer, set.images.buffer);
  assert.throws(
    () => holdOutLast(set, -1),
    /holdOutLast: n must be an integer in \[0, 3\]/,
  );
});

Deno.test("filterClasses() keeps the listed classes, renumbered in the order given", () => {
  const set = tinySet();
  const kept = filterClasses(set, [1, 2]); // class 1 -> 0, class 2 -> 1
  assert.equal(kept.count, 2);
  assert.equal(kept.classes, 2);
  assert.deepEqual(kept.classNames, ["b", "c"]);
  assert.deepEqual([...kept.labels], [1, 0]); // image 0 had label 2, image 2 label 1
  assert.deepEqual([...kept.images], [0, 51, 102, 255, 255, 0, 0, 255]);
  assert.deepEqual([...filterClasses(set, [2, 1]).labels], [0, 1]);
});

Deno.test("filterClasses() rejects an empty, repeated or out-of-range class list", () => {
  const set = tinySet();
  assert.throws(
    () => filterClasses(set, []),
    /filterClasses: expected at least one class/,
  );
  assert.throws(
    () => filterClasses(set, [1, 1]),
    /filterClasses: class 1 is listed twice/,
  );
  assert.throws(
    () => filterClasses(set, [3]),
    /filterClasses: class 3 is out of range for 3 classes/,
  );
});

Deno.test("scaleUnit and scaleCentered map bytes to x/255 and x/255-0.5", () => {
  const src = new Uint8Array([9, 0, 51, 255]);
  const unit = new Float64Array(5);
  scaleUnit.apply(src, 1, unit, 2, 3);
  assert.deepEqual([...unit], [0, 0, 0, 0.2, 1]);
  const centered = new Float32Array(3);
  scaleCentered.apply(src, 1, centered, 0, 3);
  assert.deepEqual([...centered], [-0.5, Math.fround(0.2 - 0.5), 0.5]);
  assert.deepEqual([scaleUnit.name, scaleCentered.name], [
    "x/255",
    "x/255-0.5",
  ]);
});

Deno.test("scaleUnit and scaleCentered give every byte exactly v / 255 + offset, in float32 and float64", () => {
  const src = Uint8Array.from({ length: 256 }, (_, v) => v);
  for (const [transform, offset] of [[scaleUnit, 0], [scaleCentered, -0.5]] as const) {
    for (const dst of [new Float32Array(256), new Float64Array(256)]) {
      transform.apply(src, 0, dst, 0, 256);
      const expected = dst instanceof Float32Array
        ? Array.from(src, (v) => Math.fround(v / 255 + offset))
        : Array.from(src, (v) => v / 255 + offset);
      assert.deepEqual([...dst], expected);
    }
  }
});

Deno.test("standardizer() fits per-pixel mean and std and applies (x - mean) / (std + 1e-7)", () => {
  // Two 1x1x3 images: pixel 0 is {0, 2} (mean 1, std 1), pixel 1 {4, 8} (mean 6, std 2),
  // pixel 2 is always 7 (std 0).
  const set: ImageSet = {
    images: new Uint8Array([0, 4, 7, 2, 8, 7]),
    labels: new Uint8Array([0, 1]),
    count: 2,
    channels: 1,
    height: 1,
    width: 3,
    classes: 2,
    classNames: ["x", "y"],
  };
  const standardize = standardizer(set);
  assert.equal(standardize.name, "standardize");
  assert.deepEqual([...standardize.mean], [1, 6, 7]);
  assert.deepEqual([...standardize.std], [1, 2, 0]);
  const out = new Float64Array(6);
  standardize.apply(set.images, 0, out, 0, 6);
  assert.deepEqual([...out], [
    -1 / (1 + 1e-7),
    -2 / (2 + 1e-7),
    0,
    1 / (1 + 1e-7),
    2 / (2 + 1e-7),
    0,
  ]);
  // An offset into the middle of the split still lines up with the pixel positions.
  const second = new Float64Array(2);
  standardize.apply(set.images, 4, second, 0, 2);
  assert.deepEqual([...second], [2 / (2 + 1e-7), 0]);
  assert.equal(standardizer(set, { epsilon: 1 }).epsilon, 1);
});

Deno.test("transformFromRecord() rebuilds each transform from transformRecord(), statistics included", () => {
  const set = tinySet();
  const fitted = standardizer(set, { epsilon: 1e-7 });
  for (const transform of [scaleUnit, scaleCentered, fitted]) {
    const rebuilt = transformFromRecord(transformRecord(transform));
    assert.equal(rebuilt.name, transform.name);
    const [a, b] = [new Float64Array(set.images.length), new Float64Array(set.images.length)];
    transform.apply(set.images, 0, a, 0, a.length);
    rebuilt.apply(set.images, 0, b, 0, b.length);
    assert.deepEqual(b, a);
  }
  assert.throws(() => transformFromRecord('{"name":"x/2"}'), /unknown transform "x\/2"/);
  assert.throws(() => transformFromRecord('{"name":"standardize"}'), /unknown transform "standardize"/);
});

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
