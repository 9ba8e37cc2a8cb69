import assert from "node:assert/strict";
import { assertImageSet, type ImageSet, imageSize } from "./image_set.ts";

const set: ImageSet = {
  images: new Uint8Array(2 * 3 * 2 * 2),
  labels: new Uint8Array([1, 0]),
  count: 2,
  channels: 3,
  height: 2,
  width: 2,
  classes: 2,
  classNames: ["a", "b"],
};

Deno.test("imageSize() is channels * height * width", () => {
  assert.equal(imageSize(set), 12);
});

Deno.test("assertImageSet() accepts a consistent split and names the first inconsistency", () => {
  assertImageSet(set, "here");
  assert.throws(
    () => assertImageSet({ ...set, count: 3 }, "here"),
    /here: expected 3 images of 12 bytes \(36 bytes\), got 24/,
  );
  assert.throws(
    () => assertImageSet({ ...set, labels: new Uint8Array([1]) }, "here"),
    /here: expected 2 labels, got 1/,
  );
  assert.throws(
    () => assertImageSet({ ...set, labels: new Uint8Array([1, 2]) }, "here"),
    /here: label 2 at index 1 is out of range for 2 classes/,
  );
});
