import assert from "node:assert/strict";
import { needs, withTempDir } from "../testing/io.ts";
import { compareCli } from "../compare/main.ts";
import { sweepCli } from "./main.ts";
import { expandPlan, type Plan, readPlan, type SweepSpec } from "./plan.ts";
import { latestAttempt, runFolder } from "./folders.ts";
import { attemptStatus, runOne } from "./run_one.ts";
import { lockOwner, lockState } from "./lock.ts";
import { runExperiment } from "../experiment/mod.ts";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { abortAfter } from "../testing/io.ts";

const PERMISSIONS = needs("read", "write", "env", { name: "run", command: "deno" }, { name: "run", command: "kill" }, {
  name: "sys",
  kind: "hostname",
});

/** Writes a plan of the tiny test experiment into `dir`. */
async function tinyPlan(dir: string, grid: Record<string, string[]>, seeds = [0, 1]): Promise<Plan> {
  const spec: SweepSpec = { experiments: ["tiny"], grid, set: { epochs: "1" }, seeds };
  const experimentsDir = "lib/sweep/_test_experiments";
  const plan = { name: "t", experimentsDir: experimentsDir, spec, runs: await expandPlan(spec, { experimentsDir }) };
  await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(plan));
  return plan;
}

/** The attempt folders of each run, by index. */
const attempts = (dir: string, plan: Plan) =>
  plan.runs.map((run) => {
    try {
      return [...Deno.readDirSync(`${runFolder(dir, run.key)}/${run.experiment}`)].length;
    } catch {
      return 0;
    }
  });

const quiet = { log: () => {} };

Deno.test(
  "sweepCli() run: every run in its own process, then all skipped when run again",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, { lr: ["0.005", "0.01"] });
      const lines: string[] = [];
      assert.equal(await sweepCli(["run", dir, "--jobs", "2"], { log: (l) => lines.push(l) }), 0);
      assert.match(lines.at(-1)!, /^4\/4 done, 0 failed, 0 running, ETA 0m00s$/);
      assert.deepEqual(plan.runs.map((r) => attemptStatus(dir, r)), [
        "completed",
        "completed",
        "completed",
        "completed",
      ]);
      const manifest = JSON.parse(await Deno.readTextFile(`${latestAttempt(dir, plan.runs[3]!)}/manifest.json`));
      assert.equal(manifest.settings.lr, 0.01);
      assert.equal(manifest.settings.seed, 1);
      assert.equal(await sweepCli(["run", dir], quiet), 0);
      assert.deepEqual(attempts(dir, plan), [1, 1, 1, 1]);
      const status: string[] = [];
      assert.equal(await sweepCli(["status", dir], { log: (l) => status.push(l) }), 0);
      assert.match(status[0]!, /: 4 runs; 4 completed$/);
      const compared = await compareCli([dir]);
      assert.match(compared.stdout, /Final metrics of 4 run\(s\)/);
      assert.match(compared.stdout, /\nlr=0\.005 +\S+-seed0 \S+-seed1 .*\n(.*\n){5}lr=0\.01 +\S+-seed0 \S+-seed1 /);
    }),
);

Deno.test(
  "sweepCli() run-one runs one run; slurm writes the job array that calls it",
  PERMISSIONS,
  () =>
    withTempDir(async (root) => {
      const dir = `${root}/sweeps/t`;
      await Deno.mkdir(dir, { recursive: true });
      const plan = await tinyPlan(dir, { lr: ["0.005", "0.01"] });
      assert.equal(await sweepCli(["run-one", `${dir}/plan.json`, "2"], quiet), 0);
      assert.deepEqual(attempts(dir, plan), [0, 0, 1, 0]);
      assert.equal(await sweepCli(["run-one", `${dir}/plan.json`, "4"], quiet), 2);
      const compared = await compareCli(["--sweep", "t", "--results", root]);
      assert.match(compared.stdout, /Final metrics of 1 run\(s\)/);
      const opts = ["--max-parallel", "3", "--mem", "1G", "--root", `${root}/sweeps`];
      assert.equal(await sweepCli(["slurm", "t", ...opts], quiet), 0);
      const script = await Deno.readTextFile(`${dir}/sweep.sbatch`);
      assert.match(script, /^#SBATCH --array=0-3%3$/m);
      assert.match(script, /^#SBATCH --mem=1G$/m);
      assert.match(script, /^#SBATCH --cpus-per-task=1$/m);
      assert.match(script, new RegExp(`lib/sweep/main.ts run-one ${dir}/plan.json "\\$SLURM_ARRAY_TASK_ID"$`, "m"));
      assert.match(script, /^#SBATCH --requeue\n#SBATCH --open-mode=append\n#SBATCH --signal=B:USR2@120$/m);
      assert.equal(await sweepCli(["slurm", "t", "--max-parallel", "0", "--root", `${root}/sweeps`], quiet), 2);
    }),
);

Deno.test(
  "sweepCli() run: a failing run leaves the others alone and is tried again",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, { "train-limit": ["60", "999999"] }, [0]);
      assert.equal(await sweepCli(["run", dir], quiet), 1);
      assert.deepEqual(plan.runs.map((r) => attemptStatus(dir, r)), ["completed", "failed"]);
      const status: string[] = [];
      assert.equal(await sweepCli(["status", dir], { log: (l) => status.push(l) }), 0);
      assert.match(status.join("\n"), /: 2 runs; 1 completed, 1 failed\n {2}1\ttiny-\w+\tfailed$/);
      assert.equal(await sweepCli(["run", dir], quiet), 1);
      const stderr = await Deno.readTextFile(`${runFolder(dir, plan.runs[1]!.key)}/stderr.log`);
      assert.equal(stderr.match(/--train-limit/g)?.length, 2);
      assert.deepEqual(attempts(dir, plan), [1, 0]);
    }),
);

Deno.test(
  "sweepCli() run: a stop interrupts the running run, keeps the completed one, and resumes",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, { epochs: ["1", "400"] }, [0]);
      const stop = new AbortController();
      const log = (line: string) => line.startsWith("1/2") && setTimeout(() => stop.abort(), 2500);
      assert.equal(await sweepCli(["run", dir, "--jobs", "1"], { log, signal: stop.signal }), 130);
      assert.deepEqual(plan.runs.map((r) => attemptStatus(dir, r)), ["completed", "interrupted"]);
      const done = await Deno.readTextFile(`${latestAttempt(dir, plan.runs[0]!)}/manifest.json`);
      await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify({ ...plan, runs: [plan.runs[0]] }));
      assert.equal(await sweepCli(["run", dir], quiet), 0);
      assert.equal(await Deno.readTextFile(`${latestAttempt(dir, plan.runs[0]!)}/manifest.json`), done);
    }),
);

Deno.test(
  "sweepCli() run: two sweeps at once on one folder run each key once",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, { lr: ["0.005", "0.01", "0.02"] });
      // A stale lock of a dead process on run 0: taken over.
      await Deno.mkdir(`${dir}/runs`);
      await Deno.writeTextFile(
        `${runFolder(dir, plan.runs[0]!.key)}.lock`,
        JSON.stringify({ host: Deno.hostname(), pid: 2 ** 22 + 1 }),
      );
      const sweep = () =>
        new Deno.Command("deno", {
          args: ["run", "-A", new URL("main.ts", import.meta.url).pathname, "run", dir, "--jobs", "2"],
          stdout: "null",
          stderr: "piped",
        }).output();
      const results = await Promise.all([sweep(), sweep()]);
      assert.deepEqual(results.map((r) => r.code), [0, 0], new TextDecoder().decode(results[0]!.stderr));
      assert.deepEqual(attempts(dir, plan), [1, 1, 1, 1, 1, 1]);
      assert.ok(plan.runs.every((r) => attemptStatus(dir, r) === "completed"));
      assert.deepEqual([...Deno.readDirSync(`${dir}/runs`)].filter((e) => e.name.endsWith(".lock")), []);
      assert.equal((await readPlan(dir)).runs.length, 6);
    }),
);

Deno.test("sweepCli() refuses bad commands with exit 2", needs("read", "env"), async () => {
  assert.equal(await sweepCli(["frob", "x"], quiet), 2);
  assert.equal(await sweepCli(["run", "x", "--bogus"], quiet), 2);
  assert.equal(await sweepCli(["run", "/nonexistent/x"], quiet), 2);
  assert.equal(await sweepCli(["run-one", "/nonexistent/plan.json", "x"], quiet), 2);
});

/** Waits until `done()` holds, looking every 100 ms, for at most `seconds`. */
async function until(done: () => boolean, what: string, seconds = 120): Promise<void> {
  for (let i = 0; i < seconds * 10 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(done(), `still waiting, after ${seconds} s, for ${what}`);
}

Deno.test(
  "sweepCli() run after the runner was SIGKILLed: its runs still running are busy, not started again",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, { epochs: ["5000"] });
      const locks = plan.runs.map((run) => `${runFolder(dir, run.key)}.lock`);
      const args = ["run", "-A", new URL("main.ts", import.meta.url).pathname, "run", dir, "--jobs", "2"];
      const runner = new Deno.Command("deno", { args, stdout: "null", stderr: "null" }).spawn();
      const handed = () =>
        locks.every((lock) => (lockOwner(lock)?.pid ?? runner.pid) !== runner.pid) &&
        plan.runs.every((run) => latestAttempt(dir, run) !== null); // training under way
      const orphans: number[] = [];
      const signal = (name: string) =>
        orphans.forEach((pid) => new Deno.Command("kill", { args: [`-${name}`, String(pid)] }).outputSync());
      try {
        await until(handed, "both locks handed to the runs' processes");
        orphans.push(...locks.map((lock) => lockOwner(lock)!.pid));
        runner.kill("SIGKILL");
        await runner.status;
        const lines: string[] = [];
        assert.equal(await sweepCli(["run", dir], { log: (l) => lines.push(l) }), 0);
        assert.equal(lines.at(-1), "2 runs were running in another process; see sweep status");
        const status: string[] = [];
        await sweepCli(["status", dir], { log: (l) => status.push(l) });
        assert.match(status[0]!, /: 2 runs; 2 running$/);
        signal("INT");
        await until(() => locks.every((lock) => lockState(lock) !== "held"), "the orphaned runs to end");
      } finally {
        signal("KILL"); // whatever happened, no run is left going
        await runner.status;
      }
      assert.deepEqual(attempts(dir, plan), [1, 1]);
      assert.deepEqual(plan.runs.map((r) => attemptStatus(dir, r)), ["interrupted", "interrupted"]);
    }),
);

Deno.test(
  "runOne() on a full disk at lock time says so, fails the run and leaves no lock",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, {}, [0]);
      const full = () => {
        throw new Error("No space left on device (os error 28)");
      };
      const errors: string[] = [];
      const error = console.error;
      console.error = (line: string) => errors.push(line);
      try {
        assert.equal(await runOne(dir, plan, 0, { write: full }), "failed");
      } finally {
        console.error = error;
      }
      assert.match(errors[0]!, /^sweep: run 0 \(tiny-\w+\) not started: cannot write lock .*: No space left on device/);
      assert.equal(lockState(`${runFolder(dir, plan.runs[0]!.key)}.lock`), "free");
      assert.deepEqual(attempts(dir, plan), [0]);
    }),
);

/** A metrics file without its last column, `elapsed_s`. */
const metricColumns = (runDir: string) =>
  Deno.readTextFileSync(`${runDir}/metrics.csv`).split("\n").map((l) => l.replace(/,[^,]*$/, "")).join("\n");

Deno.test(
  "sweepCli() run goes on with an interrupted run from its checkpoint, bit for bit",
  PERMISSIONS,
  () =>
    withTempDir(async (dir) => {
      const plan = await tinyPlan(dir, {}, [0]);
      const controls = (out: string) => ({ controls: { out, quiet: true }, terminal: false });
      const overrides = { epochs: 1, seed: 0 };
      const whole = await runExperiment(tinyExperiment, { overrides, ...controls(`${dir}/whole`) });
      const out = runFolder(dir, plan.runs[0]!.key);
      const stopped = await runExperiment(tinyExperiment, { overrides, signal: abortAfter(30), ...controls(out) });
      assert.equal(stopped.manifest.status, "interrupted");
      assert.equal(await sweepCli(["run", dir], quiet), 0);
      assert.deepEqual(attempts(dir, plan), [1]);
      const manifest = JSON.parse(await Deno.readTextFile(`${stopped.runDir}/manifest.json`));
      assert.equal(manifest.status, "completed");
      assert.equal(manifest.resumes?.length, 1);
      assert.equal(metricColumns(stopped.runDir), metricColumns(whole.runDir));
    }),
);
