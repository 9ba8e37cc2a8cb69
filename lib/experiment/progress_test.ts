import assert from "node:assert/strict";
import { createProgress } from "./progress.ts";

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

Deno.test("createProgress() prints plain lines when not on a terminal, and nothing when quiet", () => {
  const plain = captureConsole(() => {
    const progress = createProgress({ quiet: false, terminal: false });
    progress.start("fashion", 100);
    progress.update(50, "epoch 1 step 50");
    progress.log("epoch 1 test: ...");
    progress.stop();
  });
  assert.deepEqual(plain, ["fashion: 100 samples", "epoch 1 step 50", "epoch 1 test: ..."]);
  const quiet = captureConsole(() => {
    const progress = createProgress({ quiet: true, terminal: false });
    progress.start("fashion", 100);
    progress.update(50, "x");
    progress.log("y");
  });
  assert.deepEqual(quiet, []);
});
