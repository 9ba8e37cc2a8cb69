import assert from "node:assert/strict";
import { needs, skipReason, withTempDir } from "../testing/io.ts";
import { latestAttempt } from "./folders.ts";
import { sweepCli } from "./main.ts";
import { expandPlan, type SweepSpec } from "./plan.ts";

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
