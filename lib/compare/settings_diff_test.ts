import assert from "node:assert/strict";
import { diffSettings, settingsKey, type SettingsSource } from "./settings_diff.ts";

Deno.test("diffSettings keeps only the settings that differ, one value per run", () => {
  const arms: SettingsSource[] = [
    { experiment: "fashion", settings: { lr: 0.01, seed: 1, epochs: 3 } },
    { experiment: "fashion", settings: { lr: 0.005, seed: 2, epochs: 3 } },
    {
      experiment: "fashion",
      settings: { lr: 0.01, seed: 3, epochs: 3, momentum: 0.9 },
    },
  ];
  assert.deepEqual(diffSettings(arms), [
    { key: "lr", values: [0.01, 0.005, 0.01] },
    { key: "momentum", values: [undefined, undefined, 0.9] },
    { key: "seed", values: [1, 2, 3] },
  ]);
  assert.deepEqual(
    diffSettings(arms, { ignore: ["seed", "momentum"] }).map((d) => d.key),
    ["lr"],
  );
});

Deno.test("diffSettings lets runs without a manifest take no part, and shows differing experiments", () => {
  const arms: SettingsSource[] = [
    { experiment: "fashion", settings: { lr: 0.01 } },
    { experiment: null, settings: null },
    { experiment: "mnist", settings: { lr: 0.01 } },
  ];
  assert.deepEqual(diffSettings(arms), [{
    key: "experiment",
    values: ["fashion", undefined, "mnist"],
  }]);
});

Deno.test("settingsKey ignores key order and ignored keys", () => {
  assert.equal(settingsKey({ a: 1, b: "x" }), settingsKey({ b: "x", a: 1 }));
  assert.notEqual(settingsKey({ a: 1 }), settingsKey({ a: "1" }));
  assert.equal(
    settingsKey({ a: 1, out: "x" }, ["out"]),
    settingsKey({ a: 1, out: "y" }, ["out"]),
  );
});
