import assert from "node:assert/strict";
import { needs, skipReason, withTempDir } from "../testing/io.ts";
import { latestAttempt } from "./folders.ts";
import { sweepCli } from "./main.ts";
import { expandPlan, type SweepSpec } from "./plan.ts";
import { type SlurmOptions, slurmScript } from "./slurm.ts";
import { UsageError } from "../experiment/mod.ts";

/** Whether a Slurm node is up here (`scripts/slurm-local.sh start`); false without sinfo or its permission. */
function slurmUp(): boolean {
  try {
    const { success, stdout } = new Deno.Command("sinfo", { args: ["-h", "-o", "%T"], stderr: "null" }).outputSync();
    return success && /idle|mix|alloc/.test(new TextDecoder().decode(stdout));
  } catch {
    return false;
  }
}

const SLURM_TEST = "sweep slurm --submit: a job array lands the same metrics as the same plan run locally";
const up = slurmUp();
const granted = needs("read", "write", "env", { name: "run", command: "deno" });
// Under -P a run permission for a program that is not installed reads as not granted: that is "no Slurm" too.
const slurm = up && !needs({ name: "run", command: "sbatch" }).ignore;

/** Waits until the job has left the queue. */
async function waitForJob(job: string, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    const { stdout } = await new Deno.Command("squeue", { args: ["-h", "-j", job], stderr: "null" }).output();
    if (new TextDecoder().decode(stdout).trim() === "") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`Slurm job ${job} still queued after ${seconds} s`);
}

/** A metrics CSV without its timing column (`elapsed_s`, the last). */
const withoutTiming = (csv: string) => csv.split("\n").map((line) => line.replace(/,[^,]*$/, "")).join("\n");

Deno.test(
  granted.ignore ? { name: SLURM_TEST, ignore: true } : skipReason(
    SLURM_TEST,
    !slurm && "no Slurm node here (sbatch/sinfo missing or no idle node; as root, apt-get install slurm-wlm munge, " +
        "then scripts/slurm-local.sh start)",
  ),
  () =>
    withTempDir(async (root) => {
      const spec: SweepSpec = {
        experiments: ["tiny", "tiny_arms"],
        grid: { lr: ["0.005", "0.01"] },
        set: { epochs: "1" },
        seeds: [0, 1],
      };
      const experimentsDir = "lib/sweep/_test_experiments";
      const plan = JSON.stringify({
        name: "s",
        experimentsDir,
        spec,
        runs: await expandPlan(spec, { experimentsDir }),
      });
      for (const name of ["local", "slurm"]) {
        await Deno.mkdir(`${root}/${name}`);
        await Deno.writeTextFile(`${root}/${name}/plan.json`, plan);
      }
      const quiet = { log: () => {} };
      assert.equal(await sweepCli(["run", `${root}/local`, "--jobs", "2"], quiet), 0);
      const lines: string[] = [];
      const args = ["slurm", "slurm", "--root", root, "--max-parallel", "2", "--mem", "500M", "--submit"];
      assert.equal(await sweepCli(args, { log: (l) => lines.push(l) }), 0);
      const job = lines.at(-1)!.match(/^submitted job (\d+)$/)![1]!;
      await waitForJob(job, 240);
      for (const run of JSON.parse(plan).runs) {
        const [local, slurm] = [`${root}/local`, `${root}/slurm`].map((dir) => latestAttempt(dir, run));
        assert.ok(slurm, `run ${run.index} (${run.key}) has no run folder from Slurm`);
        const [a, b] = await Promise.all([local, slurm].map((dir) => Deno.readTextFile(`${dir}/metrics.csv`)));
        assert.ok(a!.length > 100);
        assert.equal(withoutTiming(b!), withoutTiming(a!), `run ${run.index} (${run.key})`);
      }
    }),
);

Deno.test("slurmScript() refuses a value that would break or add #SBATCH lines, and a path with spaces", () => {
  const refuses = (sweepDir: string, options: SlurmOptions, expected: RegExp) =>
    assert.throws(() => slurmScript(sweepDir, 2, options), (e: Error) => {
      assert.match(e.message, expected);
      return e instanceof UsageError;
    });
  refuses("/s/t", { mem: "1G\n#SBATCH --partition=gpu" }, /^--mem: got "1G\\n#SBATCH --partition=gpu", expected/);
  refuses("/s/t", { mem: "lots" }, /--mem: got "lots", expected a size such as 500M or 2G/);
  refuses("/s/t", { time: "1h" }, /--time: got "1h", expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS/);
  refuses("/s/t\n#SBATCH --x", {}, /the sweep folder: got "\/s\/t\\n#SBATCH --x", expected a path without spaces/);
  refuses("/s/my sweep", {}, /the sweep folder: got "\/s\/my sweep", expected a path without spaces/);
  refuses("/s/t", { deno: "/opt/my deno/deno" }, /the deno binary: got/);
  const script = slurmScript("/s/t", 2, { mem: "500M", time: "1-00:30" });
  assert.match(script, /^#SBATCH --mem=500M$/m);
  assert.match(script, /^#SBATCH --time=1-00:30$/m);
  assert.equal(script.split("\n").filter((line) => line.startsWith("#SBATCH")).length, 9);
});

Deno.test(
  "sweep slurm --submit prints sbatch's own error when sbatch refuses",
  needs("read", "write", "env", { name: "run", command: "sbatch" }),
  () =>
    withTempDir(async (root) => {
      const spec: SweepSpec = { experiments: ["tiny"], grid: {}, set: { epochs: "1" }, seeds: [0] };
      const experimentsDir = "lib/sweep/_test_experiments";
      const runs = await expandPlan(spec, { experimentsDir });
      await Deno.mkdir(`${root}/s`);
      await Deno.writeTextFile(`${root}/s/plan.json`, JSON.stringify({ name: "s", experimentsDir, spec, runs }));
      const errors: string[] = [];
      const error = console.error;
      console.error = (line: string) => errors.push(line);
      try {
        // No node has this much memory; without a cluster sbatch fails earlier, saying why.
        const args = ["slurm", "s", "--root", root, "--mem", "99999999G", "--submit"];
        assert.equal(await sweepCli(args, { log: () => {} }), 1);
      } finally {
        console.error = error;
      }
      assert.match(errors.join("\n"), /^sweep: sbatch refused the job \(exit \d+\):\n {2}sbatch: (error|fatal): \S/);
      await assert.rejects(Deno.stat(`${root}/s/slurm-job-id`));
    }),
);

Deno.test(
  "sweep slurm: a task warned of its time limit checkpoints, queues itself again and resumes, as a run never stopped",
  { ignore: granted.ignore || !up || needs({ name: "run", command: "scancel" }).ignore },
  () =>
    withTempDir(async (root) => {
      // One run long enough to be caught under way: 2 epochs of 60,000 steps, a row every 1,000.
      const spec: SweepSpec = {
        experiments: ["tiny"],
        grid: {},
        set: { epochs: "2", "train-limit": "60000", "log-every": "1000" },
        seeds: [0],
      };
      const experimentsDir = "lib/sweep/_test_experiments";
      const runs = await expandPlan(spec, { experimentsDir });
      const plan = JSON.stringify({ name: "r", experimentsDir, spec, runs });
      for (const name of ["local", "slurm"]) {
        await Deno.mkdir(`${root}/${name}`);
        await Deno.writeTextFile(`${root}/${name}/plan.json`, plan);
      }
      const quiet = { log: () => {} };
      assert.equal(await sweepCli(["run", `${root}/local`], quiet), 0);
      const lines: string[] = [];
      const args = ["slurm", "slurm", "--root", root, "--mem", "500M", "--submit"];
      assert.equal(await sweepCli(args, { log: (l) => lines.push(l) }), 0);
      const job = lines.at(-1)!.match(/^submitted job (\d+)$/)![1]!;
      const rows = () => {
        const attempt = latestAttempt(`${root}/slurm`, runs[0]!);
        try {
          return attempt ? Deno.readTextFileSync(`${attempt}/metrics.csv`).split("\n").length - 2 : 0;
        } catch {
          return 0;
        }
      };
      for (let i = 0; i < 2400 && rows() < 5; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(rows() >= 5, "the task did not start training in 240 s");
      // What Slurm sends 120 s before the time limit (--signal=B:USR2@120), sent now.
      const notice = ["--batch", "--signal=USR2", `${job}_0`];
      const warned = await new Deno.Command("scancel", { args: notice }).output();
      assert.ok(warned.success, new TextDecoder().decode(warned.stderr));
      await waitForJob(job, 300);
      const attempt = latestAttempt(`${root}/slurm`, runs[0]!)!;
      const manifest = JSON.parse(await Deno.readTextFile(`${attempt}/manifest.json`));
      assert.equal(manifest.status, "completed");
      assert.equal(manifest.resumes?.length, 1, "resumed once, from the checkpoint of the requeued task");
      const log = await Deno.readTextFile(`${root}/slurm/slurm/${job}_0.out`);
      // slurmstepd's own notice of the requeue may land between the two lines
      assert.match(log, new RegExp(`: interrupted\n(slurmstepd[^\n]*\n)?Slurm task ${job}_0 queued again\n`));
      assert.equal([...Deno.readDirSync(`${attempt}/..`)].length, 1, "one attempt: the run was not started over");
      const local = latestAttempt(`${root}/local`, runs[0]!)!;
      const [a, b] = await Promise.all([local, attempt].map((dir) => Deno.readTextFile(`${dir}/metrics.csv`)));
      assert.equal(withoutTiming(b!), withoutTiming(a!));
    }),
);
