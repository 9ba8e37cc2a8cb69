import assert from "node:assert/strict";
import { castTo, dtypeOf, reshape, sizeOf, tensor, zeros, zerosLike } from "./tensor.ts";

Deno.test("sizeOf() multiplies the dimensions", () => {
  assert.equal(sizeOf([2, 3, 4]), 24);
  assert.equal(sizeOf([]), 1);
});

Deno.test("tensor() rejects data whose length disagrees with the shape", () => {
  assert.throws(() => tensor(new Float32Array(5), [2, 3]), /holds 6 elements, but the data has 5/);
});

Deno.test("zerosLike() keeps the element type", () => {
  assert.ok(zerosLike(new Float64Array(2), 3) instanceof Float64Array);
  assert.ok(zerosLike(new Float32Array(2), 3) instanceof Float32Array);
  assert.equal(zerosLike(new Float32Array(2), 3).length, 3);
});

Deno.test("reshape() shares data and castTo() copies", () => {
  const t = zeros([2, 3]);
  const r = reshape(t, [3, 2]);
  r.data[0] = 7;
  assert.equal(t.data[0], 7);
  const c = castTo(t, "float64");
  assert.equal(dtypeOf(c.data), "float64");
  c.data[0] = 1;
  assert.equal(t.data[0], 7);
});
