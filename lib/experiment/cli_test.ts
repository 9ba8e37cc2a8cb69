import assert from "node:assert/strict";
import { tinyMnistFiles, writeFiles } from "../testing/data_files.ts";
import { needs, withTempDir } from "../testing/io.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { runExperimentCli } from "./cli.ts";
import type { Experiment } from "./experiment.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...args: unknown[]) => out.push(args.join(" "));
  console.error = (...args: unknown[]) => err.push(args.join(" "));
  try {
    return { result: await run(), out: out.join("\n"), err: err.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("runExperimentCli() prints help and exits 0", async () => {
  const { result, out } = await quietly(() => runExperimentCli(tinyArmsExperiment, ["--help"]));
  assert.equal(result, 0);
  assert.match(out, /Usage: deno task exp tiny_arms/);
  assert.match(out, /--arm NAME .* trained, frozen/);
});

Deno.test("runExperimentCli() exits 2 on a bad flag before anything runs", io, () =>
  withTempDir(async (out) => {
    const { result, err } = await quietly(() => runExperimentCli(tinyArmsExperiment, ["--epochs", "0", "--out", out]));
    assert.equal(result, 2);
    assert.match(
      err,
      /^exp tiny_arms: --epochs: got '0', expected a positive integer \(see deno task exp tiny_arms --help\)$/,
    );
    assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
  }));

Deno.test("runExperimentCli() runs one folder per seed with --seeds", io, () =>
  withTempDir(async (out) => {
    const args = [
      "--seeds",
      "3..4",
      "--arm",
      "trained",
      "--epochs",
      "1",
      "--train-limit",
      "40",
      "--test-limit",
      "20",
      "--quiet",
      "--out",
      out,
    ];
    const { result, out: printed } = await quietly(() => runExperimentCli(tinyArmsExperiment, args));
    assert.equal(result, 0);
    const runs = [...Deno.readDirSync(`${out}/tiny_arms`)].map((e) => e.name).sort();
    assert.equal(runs.length, 2);
    assert.match(runs[0]!, /-seed3$/);
    assert.match(runs[1]!, /-seed4$/);
    assert.match(printed, /^report: file:\/\/\S+-seed4\/report\.html$/m);
    assert.match(printed, /^arm {6}split {2}loss {4}accuracy {2}macro-F1\ntrained {2}test {3}\d\.\d{4} {2}/m);
  }));

/** Flags of a small run into `out`. */
const small = (out: string) => ["--train-limit", "60", "--test-limit", "30", "--epochs", "1", "--quiet", "--out", out];

Deno.test(
  "runExperimentCli() exits 2 on a limit larger than the data, before any run folder",
  io,
  () =>
    withTempDir(async (out) => {
      const { result, err } = await quietly(() =>
        runExperimentCli(tinyExperiment, [...small(out), "--train-limit", "70000"])
      );
      assert.equal(result, 2);
      assert.match(err, /--train-limit: got 70000, but the training set holds 60000 images/);
      assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
    }),
);

Deno.test(
  "runExperimentCli() completes a run that SIGTERM reaches during its final writes, and stops the series",
  io,
  () =>
    withTempDir(async (out) => {
      const write = (path: string, data: Uint8Array, options?: { append?: boolean }) => {
        if (path.includes("charts.txt")) Deno.kill(Deno.pid, "SIGTERM"); // deno test itself handles SIGINT
        Deno.writeFileSync(path, data, options);
      };
      const { result } = await quietly(() =>
        runExperimentCli(tinyExperiment, [...small(out), "--seeds", "0..1"], { write })
      );
      assert.equal(result, 130, "a signalled command exits 130");
      const [run, ...others] = [...Deno.readDirSync(`${out}/tiny`)].sort((a, b) => a.name.localeCompare(b.name));
      // The signal reaches the process asynchronously: on a busy machine it can land after seed 1 has begun,
      // which must then end interrupted, and nothing after it may start.
      assert.ok(others.length <= 1, "the series stops");
      for (const other of others) {
        const second = JSON.parse(await Deno.readTextFile(`${out}/tiny/${other.name}/manifest.json`));
        assert.equal(second.status, "interrupted");
      }
      const manifest = JSON.parse(await Deno.readTextFile(`${out}/tiny/${run!.name}/manifest.json`));
      assert.equal(manifest.status, "completed");
      assert.equal(manifest.samples_seen, 60);
      assert.ok(manifest.ended_at !== null);
      assert.match(await Deno.readTextFile(`${out}/tiny/${run!.name}/evaluations.md`), /\| 1 \| test \|/);
    }),
);

Deno.test(
  "runExperimentCli() treats SIGHUP (a closed terminal) like SIGTERM: interrupted, exit 130",
  io,
  () =>
    withTempDir(async (out) => {
      const hangUp: Experiment = {
        ...tinyExperiment,
        formatInterval: (log) => (log.step === 10 && Deno.kill(Deno.pid, "SIGHUP"), ""),
      };
      const args = [...small(out), "--train-limit", "2000", "--log-every", "10"];
      const { result, err } = await quietly(() => runExperimentCli(hangUp, args));
      assert.equal(result, 130);
      assert.match(err, new RegExp(`^go on with: deno run .* --resume ${out}/tiny/\\S+$`, "m"));
      const [run] = [...Deno.readDirSync(`${out}/tiny`)];
      const manifest = JSON.parse(await Deno.readTextFile(`${out}/tiny/${run!.name}/manifest.json`));
      assert.equal(manifest.status, "interrupted");
      assert.match(manifest.status_detail, /received SIGHUP/);
      assert.ok(manifest.ended_at !== null && manifest.samples_seen >= 10);
    }),
);

const deniedOut = `/tmp/not-permitted-${crypto.randomUUID()}`;
Deno.test({
  name: "runExperimentCli() refuses an --out it may not write, printing the deno run line to use instead",
  permissions: { read: true, write: ["results"], env: true, run: ["git"] },
  ...needs("read", "write", "env"),
  fn: async () => {
    // Named fashion, so the command line it prints comes from deno.json's exp:fashion task; nothing runs.
    const named: Experiment = { ...tinyExperiment, name: "fashion" };
    const { result, err } = await quietly(() => runExperimentCli(named, ["--out", deniedOut, "--epochs", "1"]));
    assert.equal(result, 2);
    assert.match(
      err,
      new RegExp(`--out: cannot write to ${deniedOut} with this command's permissions \\(run instead:`),
    );
    assert.match(
      err,
      new RegExp(
        `deno run --config=\\S+/deno.json --allow-read --allow-write=\\S+/results,\\S+/datasets/mnist/cache,\\S+/datasets/fashion-mnist/cache,${deniedOut} .* \\S+/lib/experiment/main.ts fashion --out ${deniedOut} --epochs 1`,
      ),
    );
    assert.throws(() => Deno.statSync(deniedOut), Deno.errors.NotFound, "nothing written");
  },
});

Deno.test(
  "runExperimentCli() resolves --data-dir and --out against the given folder and, quiet, still says the data was modified",
  io,
  () =>
    withTempDir(async (cwd) => {
      await writeFiles(`${cwd}/tiny`, tinyMnistFiles());
      const args = [
        "--data-dir",
        "tiny",
        "--allow-modified-data",
        ...small("out"),
        "--train-limit",
        "6",
        "--test-limit",
        "4",
      ];
      const { result, err } = await quietly(() => runExperimentCli(tinyExperiment, args, { cwd }));
      assert.equal(result, 0);
      assert.equal(err.split("\n").length, 1);
      assert.match(err, new RegExp(`data: fashion-mnist from ${cwd}/tiny .*SHA-256 differs`));
      const [run] = [...Deno.readDirSync(`${cwd}/out/tiny`)];
      const manifest = JSON.parse(Deno.readTextFileSync(`${cwd}/out/tiny/${run!.name}/manifest.json`));
      assert.equal(manifest.command, `deno task exp tiny ${args.join(" ")}`, "the command line, as retyped");
    }),
);

Deno.test(
  "runExperimentCli() records the data folder's environment variable in the command, so that it reproduces the run",
  needs("read", "write", "env"),
  () =>
    withTempDir(async (cwd) => {
      const dir = `${cwd}/tiny data`;
      await writeFiles(dir, tinyMnistFiles());
      const args = ["--allow-modified-data", ...small("out"), "--train-limit", "6", "--test-limit", "4"];
      const before = Deno.env.get("FASHION_MNIST_DATA_DIR");
      Deno.env.set("FASHION_MNIST_DATA_DIR", dir);
      try {
        const { result } = await quietly(() => runExperimentCli(tinyExperiment, args, { cwd }));
        assert.equal(result, 0);
      } finally {
        if (before === undefined) Deno.env.delete("FASHION_MNIST_DATA_DIR");
        else Deno.env.set("FASHION_MNIST_DATA_DIR", before);
      }
      const [run] = [...Deno.readDirSync(`${cwd}/out/tiny`)];
      const manifest = JSON.parse(Deno.readTextFileSync(`${cwd}/out/tiny/${run!.name}/manifest.json`));
      assert.equal(manifest.datasets[0].source, "env");
      assert.equal(manifest.command, `FASHION_MNIST_DATA_DIR='${dir}' deno task exp tiny ${args.join(" ")}`);
    }),
);

Deno.test(
  "runExperimentCli() on bad data prints the error and no empty evaluation table",
  io,
  () =>
    withTempDir((out) =>
      withTempDir(async (empty) => {
        const { result, out: printed, err } = await quietly(() =>
          runExperimentCli(tinyExperiment, ["--data-dir", empty, "--out", out])
        );
        assert.equal(result, 2);
        assert.match(err, new RegExp(`data dir ${empty}`));
        assert.doesNotMatch(printed, /\| epoch \| split \|/);
        assert.deepEqual([...Deno.readDirSync(out)], [], "no run folder was made");
      })
    ),
);

Deno.test("runExperimentCli() warns of a batch larger than the training set", io, () =>
  withTempDir(async (out) => {
    const { result, err } = await quietly(() =>
      runExperimentCli(tinyExperiment, [...small(out), "--batch-size", "100"])
    );
    assert.equal(result, 0);
    assert.match(err, /warning: --batch-size 100 is larger than the 60 training images/);
  }));

Deno.test(
  "runExperimentCli() runs on --backend ts, wasm and wasm-fma, recording it in the manifest; a bad one exits 2 naming the allowed",
  io,
  () =>
    withTempDir(async (out) => {
      for (const backend of ["ts", "wasm", "wasm-fma"]) {
        const args = [...small(`${out}/${backend}`), "--backend", backend, "--train-limit", "20", "--test-limit", "10"];
        const { result } = await quietly(() => runExperimentCli(tinyExperiment, args));
        assert.equal(result, 0, backend);
        const [run] = [...Deno.readDirSync(`${out}/${backend}/tiny`)];
        const manifest = JSON.parse(await Deno.readTextFile(`${out}/${backend}/tiny/${run!.name}/manifest.json`));
        assert.equal(manifest.status, "completed");
        assert.equal(manifest.settings.backend, backend);
        assert.match(manifest.backends[""], new RegExp(`^${backend} \\(`), "its one-line description");
      }
      const { result, err } = await quietly(() =>
        runExperimentCli(tinyExperiment, [...small(out), "--backend", "gpu"])
      );
      assert.equal(result, 2);
      assert.match(err, /--backend: got 'gpu', expected one of wasm, wasm-fma, ts/);
      const made = [...Deno.readDirSync(out)].map((e) => e.name).sort();
      assert.deepEqual(made, ["ts", "wasm", "wasm-fma"], "no run folder was made");
    }),
);

Deno.test(
  "runExperimentCli() splits batches with --threads, the same numbers twice, recorded; a bad count exits 2",
  io,
  () =>
    withTempDir(async (out) => {
      const rows: string[] = [];
      for (const copy of ["a", "b"]) {
        const args = [...small(`${out}/${copy}`), "--batch-size", "4", "--threads", "2", "--train-limit", "40"];
        const { result } = await quietly(() => runExperimentCli(tinyExperiment, args));
        assert.equal(result, 0);
        const [run] = [...Deno.readDirSync(`${out}/${copy}/tiny`)];
        const dir = `${out}/${copy}/tiny/${run!.name}`;
        assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)).settings.threads, 2);
        const csv = await Deno.readTextFile(`${dir}/metrics.csv`);
        rows.push(csv.split("\n").map((line) => line.split(",").slice(0, -1).join(",")).join("\n")); // no elapsed_s
      }
      assert.equal(rows[0], rows[1], "a split batch is reproducible");
      const { result, err } = await quietly(() => runExperimentCli(tinyExperiment, [...small(out), "--threads", "0"]));
      assert.equal(result, 2);
      assert.match(err, /--threads: got '0', expected an integer from 1 to 64/);
    }),
);
