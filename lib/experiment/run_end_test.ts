import assert from "node:assert/strict";
import type { Manifest } from "../run/mod.ts";
import { needs } from "../testing/io.ts";
import { finalTable, runEnd } from "./run_end.ts";

/** runEnd looks for results/reference/<experiment> beside lib/. */
const io = needs("read");
const repo = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const mnist = { name: "mnist", source: "env", dir: "/data/mnist", modified: false, files: [] as object[] };
mnist.files = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"].map((name) => ({ name }));
const metrics = (loss: number) => ({ loss, accuracy: 0.83, "macro_f1": 0.8287 });

function manifest(status: Manifest["status"], more: Partial<Manifest> = {}): Manifest {
  return {
    experiment: "zhou",
    status,
    "status_detail": status === "completed" ? undefined : "training interrupted at epoch 1, step 45: received SIGINT",
    datasets: [mnist],
    "samples_seen": 3000,
    "wall_seconds": 4.25,
    transforms: { "": "scale" },
    "final_metrics": status === "completed" ? { test: metrics(0.50637) } : {},
    ...more,
  } as unknown as Manifest;
}

const runDir = `${repo}/results/zhou/20261201-1200Z-seed0`;
const options = { controls: {}, cwd: repo };

Deno.test("runEnd() of a completed run: the table, the report's URL and the next commands, paths as typed", io, () => {
  const { out, err } = runEnd({ runDir, manifest: manifest("completed") }, options);
  assert.equal(err, "");
  assert.equal(
    out,
    [
      "split  loss    accuracy  macro-F1",
      "test   0.5064  0.8300    0.8287",
      "completed in 4.3 s, 3000 samples seen",
      `report: file://${repo}/results/zhou/20261201-1200Z-seed0/report.html`,
      "next:",
      "  deno task compare results/reference/zhou results/zhou/20261201-1200Z-seed0",
      "  deno task predict results/zhou/20261201-1200Z-seed0 /data/mnist/t10k-images-idx3-ubyte.gz --index 0..4",
      "  deno task serve results/zhou/20261201-1200Z-seed0",
    ].join("\n"),
  );
  const elsewhere = runEnd({ runDir, manifest: manifest("completed") }, { ...options, cwd: "/somewhere/else" });
  assert.match(elsewhere.out, new RegExp(`^  deno task serve ${runDir}$`, "m"), "absolute outside the folder typed in");
});

Deno.test("runEnd() of a multi-arm run: one table with the arm, predict and serve name an arm", io, () => {
  const final = { "writeup/validation": metrics(0.2), "writeup/test": metrics(0.24349), "keras/test": metrics(0.1) };
  const m = manifest("completed", { transforms: { writeup: "a", keras: "b" }, "final_metrics": final });
  const { out } = runEnd({ runDir, manifest: m }, options);
  assert.match(out, /^arm {6}split {7}loss {4}accuracy {2}macro-F1\nwriteup {2}validation {2}0\.2000 /);
  assert.match(out, /^writeup {2}test {8}0\.2435 /m);
  assert.match(out, /^keras {4}test {8}0\.1000 /m);
  assert.match(out, /^ {2}deno task serve results\/zhou\/20261201-1200Z-seed0 --arm writeup$/m);
  assert.equal(finalTable({ "final_metrics": {} }), "");
});

Deno.test("runEnd() of an interrupted run prints the exact --resume command", io, () => {
  const stopped = manifest("interrupted");
  const byFlag = runEnd({ runDir, manifest: stopped }, {
    ...options,
    controls: { dataDir: `${repo}/data dir`, dataDirFromEnv: false, checkpointEvery: 2 },
  });
  assert.equal(byFlag.out, "");
  assert.match(byFlag.err, /^exp zhou: run interrupted: training interrupted at epoch 1, step 45: received SIGINT$/m);
  assert.match(byFlag.err, /^the rows written so far are kept in results\/zhou\/20261201-1200Z-seed0$/m);
  assert.match(byFlag.err, /^report: file:\/\/\S+\/report\.html$/m);
  assert.match(
    byFlag.err,
    /^go on with: deno task exp:zhou --data-dir 'data dir' --checkpoint-every 2 --resume results\/zhou\/20261201-1200Z-seed0$/m,
  );
  const byEnv = runEnd({ runDir, manifest: stopped }, {
    ...options,
    controls: { dataDir: "/d", dataDirFromEnv: true },
  });
  assert.match(byEnv.err, /^go on with: MNIST_DATA_DIR=\/d deno task exp:zhou --resume results\/zhou\/\S+$/m);
  const outside = runEnd({ runDir: "/tmp/runs/zhou/x", manifest: stopped }, options);
  assert.match(
    outside.err,
    /^go on with: deno run .*--allow-write=\S*\/tmp\/runs\/zhou\/x .*main\.ts zhou --resume \/tmp\/runs\/zhou\/x$/m,
  );
  const arms = manifest("interrupted", {
    transforms: { a: "", b: "", c: "" },
    "final_metrics": { "a/test": metrics(1) },
  });
  // A multi-arm run resumes as a whole: its finished arms stay, the rest run.
  assert.match(runEnd({ runDir, manifest: arms }, options).err, /^go on with: deno task exp:zhou --resume \S+$/m);
  const nothing = runEnd({ runDir, manifest: manifest("failed", { "samples_seen": 0 }) }, options);
  assert.match(nothing.err, /^nothing was trained; results\/zhou\/20261201-1200Z-seed0\/manifest\.json records why$/m);
  assert.doesNotMatch(nothing.err, /go on with|report:/);
});
