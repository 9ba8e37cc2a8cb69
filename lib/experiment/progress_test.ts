import assert from "node:assert/strict";
import type { MetricsRow } from "../run/mod.ts";
import { createProgress, epochLine } from "./progress.ts";

function captureConsole(run: () => void): string[] {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    run();
  } finally {
    console.log = original;
  }
  return lines;
}

Deno.test("createProgress() prints the lines logged when not on a terminal, and nothing when quiet", () => {
  const plain = captureConsole(() => {
    const progress = createProgress({ quiet: false, terminal: false });
    progress.start("fashion", 100);
    progress.update(50, "epoch 1 step 50");
    progress.log("Epoch 1/3");
    progress.stop();
  });
  assert.deepEqual(plain, ["Epoch 1/3"], "an interval's line is for the bar only");
  const quiet = captureConsole(() => {
    const progress = createProgress({ quiet: true, terminal: false });
    progress.start("fashion", 100);
    progress.update(50, "x");
    progress.log("y");
  });
  assert.deepEqual(quiet, []);
});

const row = (split: MetricsRow["split"], epoch: number, seen: number, loss: number, accuracy: number, at: number) => ({
  arm: "",
  split,
  epoch,
  step: 0,
  "samples_seen": seen,
  loss,
  accuracy,
  "macro_f1": null,
  "elapsed_s": at,
});

Deno.test("epochLine() weighs the epoch's intervals by their samples and times the epoch from its start", () => {
  const rows: MetricsRow[] = [
    row("train", 1, 100, 9, 0.1, 1),
    row("test", 1, 100, 9, 0.1, 1.5),
    // Epoch 2: 300 samples at loss 1, then 100 at loss 3 (a shorter last interval), trained from 1.5 s to 3.5 s.
    row("train", 2, 400, 1, 0.5, 2.5),
    row("train", 2, 500, 3, 0.9, 3.5),
    row("validation", 2, 500, 0.75, 0.625, 3.75),
    row("test", 2, 500, 0.5, 0.8125, 4),
  ];
  assert.equal(
    epochLine(rows, { epoch: 2, stepsPerEpoch: 40, start: 1.5 }),
    "40/40 - 2.5s - 200 images/s - loss: 1.5000 - accuracy: 0.6000 - validation_loss: 0.7500 - " +
      "validation_accuracy: 0.6250 - test_loss: 0.5000 - test_accuracy: 0.8125",
  );
  assert.match(
    epochLine(rows, { epoch: 1, stepsPerEpoch: 10, start: 0 }),
    /^10\/10 - 1\.5s - 100 images\/s - loss: 9\.0000/,
  );
});
