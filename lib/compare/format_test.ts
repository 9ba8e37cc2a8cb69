import assert from "node:assert/strict";
import { formatDelta, formatSetting, formatValue } from "./format.ts";

Deno.test("formatDelta signs differences and shows tiny ones in exponent form", () => {
  assert.equal(formatDelta(0, "eval_loss"), "±0");
  assert.equal(formatDelta(0.0123456, "eval_loss"), "+0.0123");
  assert.equal(formatDelta(-2e-9, "eval_accuracy"), "-2.0e-9");
  assert.equal(formatDelta(-12.34, "wall_seconds"), "-12.3");
});

Deno.test("formatValue and formatSetting show unknowns as a dash", () => {
  assert.equal(formatValue(null, "eval_loss"), "-");
  assert.equal(formatValue(NaN, "eval_loss"), "NaN");
  assert.equal(formatValue(123.456, "samples_per_second"), "123.5");
  assert.equal(formatSetting(undefined), "-");
  assert.equal(formatSetting("adam"), "adam");
  assert.equal(formatSetting(true), "true");
});
