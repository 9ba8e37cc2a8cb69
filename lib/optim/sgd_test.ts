import assert from "node:assert/strict";
import { param } from "./_test_helpers.ts";
import { Sgd } from "./sgd.ts";

Deno.test("Sgd.step() moves against the gradient and leaves frozen parameters bit-identical", () => {
  const live = param([1, 2], [0.5, -1]), frozen = param([3], [7], true);
  new Sgd([live, frozen], { lr: 0.1 }).step();
  assert.deepEqual([...live.value], [1 - 0.05, 2 + 0.1]);
  assert.deepEqual([...frozen.value], [3]);
});
