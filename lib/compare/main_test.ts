import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { makeRun } from "../testing/fake_runs.ts";
import type { DatasetRecord } from "../data/mod.ts";
import { dataIdentity } from "./load.ts";
import { compareCli } from "./main.ts";
import { fullDisk, needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

Deno.test("compareCli says identical for two same-seed runs", io, () =>
  withTempDir(async (root) => {
    const a = await makeRun(root, "a");
    const b = await makeRun(root, "b", { timeOffset: 2 });
    const result = await compareCli([a, b]);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
    assert.match(result.stdout, /^a vs b: identical \(7 rows\)$/m);
    assert.match(
      result.stdout,
      /Settings that differ\nNone: every run has the same settings\./,
    );
  }));

Deno.test(
  "compareCli shows where a one-value difference parts two same-seed runs",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", {
        edit: (rows) => rows.map((row, i) => (i === 5 ? { ...row, macro_f1: 0.25 } : row)),
      });
      const { stdout } = await compareCli([a, b]);
      assert.match(
        stdout,
        /^a vs b: differ at row 6 \(validation epoch 2 step 10; line 7 of a, line 7 of b\), column macro_f1: 0\.701 vs 0\.25$/m,
      );
    }),
);

Deno.test(
  "compareCli shows differing seeds and learning rates with metric deltas",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a", { testAccuracy: 0.8 });
      const seed = await makeRun(root, "seed2", {
        testAccuracy: 0.81,
        settings: { seed: 2 },
      });
      const lr = await makeRun(root, "lr", {
        testAccuracy: 0.75,
        settings: { lr: 0.005 },
      });
      const { code, stdout } = await compareCli([a, seed, lr]);
      assert.equal(code, 0);
      assert.match(stdout, /^setting\s+a\s+seed2\s+lr$/m);
      assert.match(stdout, /^lr\s+0\.01\s+0\.01\s+0\.005$/m);
      assert.match(stdout, /^seed\s+1\s+2\s+1$/m);
      assert.match(stdout, /^seed2 .* 0\.8100 \(\+0\.0100\)/m);
      assert.match(stdout, /^lr .* 0\.7500 \(-0\.0500\)/m);
      assert.match(stdout, /No two runs share experiment, settings and seed\./);
      const markdown = await compareCli([
        a,
        seed,
        lr,
        "--markdown",
        "--baseline",
        "lr",
      ]);
      assert.match(
        markdown.stdout,
        /^\| a \| completed \| test \| 2 \| 0\.2000 \(-0\.0500\) \| 0\.8000 \(\+0\.0500\) \|/m,
      );
    }),
);

Deno.test(
  "compareCli groups five seeds of two learning rates: mean, std, min, max",
  io,
  () =>
    withTempDir(async (root) => {
      const values: Record<string, number[]> = {
        "0.005": [0.8, 0.82, 0.84, 0.86, 0.88],
        "0.01": [0.85, 0.86, 0.87, 0.88, 0.89],
      };
      for (const [lr, accuracies] of Object.entries(values)) {
        for (const [i, testAccuracy] of accuracies.entries()) {
          await makeRun(join(root, "fashion"), `lr${lr}-seed${i + 1}`, {
            settings: { lr: Number(lr), seed: i + 1 },
            testAccuracy,
          });
        }
      }
      const text = await compareCli([
        "--experiment",
        "fashion",
        "--results",
        root,
        "--group-by",
        "lr",
      ]);
      assert.equal(text.code, 0);
      assert.match(text.stdout, /Groups \(by lr;/);
      assert.match(
        text.stdout,
        /^lr=0\.005 .*eval loss .*\n\s+eval accuracy\s+5\s+0\.8400\s+0\.0316\s+0\.8000\s+0\.8800$/m,
      );
      assert.match(
        text.stdout,
        /^\s+eval accuracy\s+5\s+0\.8700\s+0\.0158\s+0\.8500\s+0\.8900$/m,
      );
      const csv = await compareCli([
        "--experiment",
        "fashion",
        "--results",
        root,
        "--group-by",
        "lr",
        "--csv",
      ]);
      const rows = parse(csv.stdout, { columns: true }) as Record<
        string,
        string
      >[];
      const accuracy = rows.filter((row) => row.metric === "eval_accuracy");
      assert.deepEqual(accuracy.map((row) => [row.lr, row.n]), [["0.005", "5"], [
        "0.01",
        "5",
      ]]);
      assert.ok(Math.abs(Number(accuracy[0].std) - Math.sqrt(0.001)) < 1e-12);
      assert.ok(Math.abs(Number(accuracy[1].std) - Math.sqrt(0.00025)) < 1e-12);
      assert.equal(Number(accuracy[1].min), 0.85);
    }),
);

Deno.test(
  "compareCli warns about each bad input by file and still shows the rest",
  io,
  () =>
    withTempDir(async (root) => {
      const good = await makeRun(root, "good");
      const twin = await makeRun(root, "twin", { timeOffset: 1 });
      const bare = await makeRun(root, "bare", { noManifest: true });
      const broken = await makeRun(root, "broken");
      await Deno.writeTextFile(join(broken, "manifest.json"), "{ not json");
      const cut = await makeRun(root, "cut", { status: "interrupted" });
      await Deno.writeTextFile(join(cut, "metrics.csv"), ",train,3,5,1", {
        append: true,
      });
      const wide = await makeRun(root, "wide");
      const text = await Deno.readTextFile(join(wide, "metrics.csv"));
      // One more column than the format: a run written by a variant of the writer.
      const widened = text.trimEnd().split("\n").map((line, i) => `${line},${i === 0 ? "lr" : "0.01"}`);
      await Deno.writeTextFile(
        join(wide, "metrics.csv"),
        widened.join("\n") + "\n",
      );
      const other = join(root, "notes.csv");
      await Deno.writeTextFile(other, "a,b\n1,2\n");
      const missing = join(root, "gone");
      const { code, stdout } = await compareCli([
        good,
        twin,
        missing,
        other,
        bare,
        broken,
        cut,
        wide,
      ]);
      assert.equal(code, 0);
      const warnings = stdout.slice(stdout.indexOf("\nWarnings\n"));
      assert.match(warnings, new RegExp(`- ${missing}: no such file or folder`));
      assert.match(
        warnings,
        new RegExp(`- ${other} is not a metrics file`),
      );
      assert.match(
        warnings,
        new RegExp(`- ${join(bare, "metrics.csv")}: no manifest.json beside it`),
      );
      assert.match(
        warnings,
        new RegExp(
          `- manifest ${join(broken, "manifest.json")} is not valid JSON`,
        ),
      );
      assert.match(
        warnings,
        new RegExp(`- ${join(cut, "metrics.csv")}:9: last line has no newline`),
      );
      assert.match(
        warnings,
        new RegExp(
          `- ${join(wide, "metrics.csv")} is not a metrics file.*unexpected lr`,
        ),
      );
      assert.match(stdout, /^good vs twin: identical \(7 rows\)$/m);
      assert.match(stdout, /^bare\s+unknown \(no manifest\)\s+test/m);
      assert.match(stdout, /^cut\s+interrupted, truncated metrics\s+test/m);
      assert.match(
        stdout,
        /^wide\s+completed, no metrics\s+manifest\s+-\s+0\.2990/m,
      );
      assert.match(
        stdout,
        /Settings that differ\nNone among the runs with a manifest\./,
      );
    }),
);

Deno.test("compareCli marks diverged runs in the table", io, () =>
  withTempDir(async (root) => {
    const a = await makeRun(root, "a");
    const nan = await makeRun(root, "nan", {
      status: "diverged",
      edit: (rows) => rows.map((row, i) => (i >= 3 ? { ...row, loss: NaN } : row)),
    });
    const { stdout } = await compareCli([a, nan]);
    assert.match(stdout, /^nan\s+diverged\s+test\s+2\s+NaN/m);
  }));

Deno.test("compareCli rejects bad flags naming the flag and value", async () => {
  for (
    const [args, message] of [
      [
        ["--x", "time", "r"],
        /^compare: --x: got 'time', expected one of epoch, samples \(see deno task compare --help\)\n$/,
      ],
      [
        ["--height", "tall", "r"],
        /--height: got 'tall', expected an integer from 2 to 100/,
      ],
      [["--bogus", "r"], /unknown flag --bogus/],
      [["--heigth", "5", "r"], /unknown flag --heigth \(did you mean --height\?/],
      [["--markdown", "--csv", "r"], /--markdown and --csv exclude each other/],
      [[], /no runs given \(give a run folder/],
    ] as [string[], RegExp][]
  ) {
    const result = await compareCli(args);
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, message);
  }
  const help = await compareCli(["--help"]);
  assert.equal(help.code, 0);
  for (
    const flag of [
      "--experiment",
      "--baseline",
      "--metric",
      "--x",
      "--group-by",
      "--markdown",
      "--csv",
    ]
  ) {
    assert.ok(help.stdout.includes(flag), flag);
  }
});

Deno.test(
  "compareCli names bad --metric and --baseline values, and fails when nothing is readable",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const metric = await compareCli([a, "--metric", "speed"]);
      assert.equal(metric.code, 2);
      assert.match(metric.stderr, /--metric "speed" is not a metric; the metrics are loss, accuracy and macro_f1/);
      const baseline = await compareCli([a, "--baseline", "zz"]);
      assert.match(
        baseline.stderr,
        /--baseline "zz" matches no run; the runs are: a/,
      );
      const none = await compareCli([join(root, "gone")]);
      assert.equal(none.code, 1);
      assert.match(
        none.stderr,
        /gone: no such file or folder[\s\S]*compare: no run could be read/,
      );
    }),
);

Deno.test("compareCli colours the chart only on a terminal without NO_COLOR", io, () =>
  withTempDir(async (root) => {
    const a = await makeRun(root, "a");
    assert.ok(
      (await compareCli([a], { isTerminal: true })).stdout.includes("\x1b["),
    );
    assert.ok(
      !(await compareCli([a], { isTerminal: true, noColor: true })).stdout
        .includes("\x1b["),
    );
    assert.ok(
      !(await compareCli([a, "--no-color"], { isTerminal: true })).stdout
        .includes("\x1b["),
    );
    assert.ok(!(await compareCli([a])).stdout.includes("\x1b["));
  }));

Deno.test(
  "compareCli rejects an unknown --group-by key, listing the settings, instead of pooling runs",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", { settings: { lr: 0.005 } });
      const unknown = await compareCli([a, b, "--group-by", "learning_rate"]);
      assert.equal(unknown.code, 2);
      assert.match(
        unknown.stderr,
        /--group-by learning_rate: no run has such a setting; the settings are: batch_size, epochs, lr, seed/,
      );
      assert.equal(unknown.stdout, "");
      const empty = await compareCli([a, b, "--group-by", ","]);
      assert.equal(empty.code, 2);
      assert.match(empty.stderr, /--group-by : give a setting; the settings are: batch_size/);
    }),
);

/** A data record of MNIST with the given train-images checksum. */
function mnist(sha256: string, modified = false): DatasetRecord[] {
  const files = [{ name: "train-images-idx3-ubyte.gz", sha256, expected: "a".repeat(64), verified: !modified }];
  return [{ name: "mnist", source: "data-dir", dir: "/data", files, modified }];
}

Deno.test(
  "compareCli never pairs or groups runs on different data as if comparable",
  io,
  () =>
    withTempDir(async (root) => {
      const clean = await makeRun(root, "clean", { datasets: mnist("a".repeat(64)) });
      const edited = await makeRun(root, "edited", { datasets: mnist("b".repeat(64), true) });
      const other = await makeRun(root, "other", { datasets: mnist("a".repeat(64)), settings: { seed: 2 } });
      const { code, stdout } = await compareCli([clean, edited, other, "--group-by", "lr"]);
      assert.equal(code, 0);
      const [a, b] = [dataIdentity(mnist("a".repeat(64))), dataIdentity(mnist("b".repeat(64), true))];
      assert.match(b!, /^mnist [0-9a-f]{8} modified$/);
      assert.match(stdout, new RegExp(`^data\\s+${a}\\s+${b}\\s+${a}$`, "m"));
      assert.match(stdout, new RegExp(`^clean vs edited: different data \\(${a} vs ${b}\\)$`, "m"));
      assert.doesNotMatch(stdout, /differ at row/);
      assert.match(stdout, new RegExp(`^data=${a} lr=0\\.01\\s+clean other\\s+eval loss\\s+2 `, "m"));
      assert.match(stdout, new RegExp(`^data=${b} lr=0\\.01\\s+edited\\s+eval loss\\s+1 `, "m"));
    }),
);

Deno.test(
  "compareCli counts only completed runs in group statistics unless --include-incomplete",
  io,
  () =>
    withTempDir(async (root) => {
      const dirs = [
        await makeRun(root, "done1", { testAccuracy: 0.8 }),
        await makeRun(root, "done2", { testAccuracy: 0.9, settings: { seed: 2 } }),
        await makeRun(root, "cut", { testAccuracy: 0.1, settings: { seed: 3 }, status: "interrupted" }),
      ];
      const { stdout } = await compareCli([...dirs, "--group-by", "lr"]);
      assert.match(stdout, /over each group's completed runs; --include-incomplete counts the others\)/);
      assert.match(stdout, /^lr=0\.01\s+done1 done2\s+1: cut\s+eval loss\s+2 /m);
      assert.match(stdout, /^\s+eval accuracy\s+2\s+0\.8500\s/m);
      const all = await compareCli([...dirs, "--group-by", "lr", "--include-incomplete"]);
      assert.match(all.stdout, /^lr=0\.01\s+done1 done2 cut\s+eval loss\s+3 /m);
      assert.match(all.stdout, /^\s+eval accuracy\s+3\s+0\.6000\s/m);
    }),
);

Deno.test(
  "compareCli warns about a completed run whose metrics.csv has only its header",
  io,
  () =>
    withTempDir(async (root) => {
      const empty = await makeRun(root, "empty", { edit: () => [] });
      const { code, stdout } = await compareCli([empty]);
      assert.equal(code, 0);
      assert.match(
        stdout,
        new RegExp(`^- ${join(empty, "metrics.csv")}: only a header, though the manifest says the run completed$`, "m"),
      );
    }),
);

Deno.test(
  "compareCli with --group-by charts each group's mean, leaving the standard deviation band to --html",
  io,
  () =>
    withTempDir(async (root) => {
      const dirs = [];
      for (const [lr, seeds] of [[0.01, [1, 41]], [0.05, [1, 41]]]) {
        for (const seed of seeds as number[]) {
          dirs.push(await makeRun(root, `lr${lr}-s${seed}`, { settings: { lr: lr as number, seed } }));
        }
      }
      const { stdout } = await compareCli([...dirs, "--group-by", "lr", "--height", "20"]);
      const chart = stdout.slice(stdout.indexOf("validation accuracy by epoch"));
      assert.match(
        chart,
        /^validation accuracy by epoch, group means \(--html draws ± one sample standard deviation\)$/m,
      );
      assert.match(chart, /^─── lr=0\.01 \(mean of 2\) {3}--- lr=0\.05 \(mean of 2\)$/m);
      assert.equal(chart.split("\n").filter((line) => /^\d\.\d{3} /.test(line)).length, 21, "--height 20: 21 rows");
    }),
);

Deno.test(
  "compareCli --html writes the page and its charts' Vega-Lite specs, and still prints the text",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", { timeOffset: 2 });
      const file = join(root, "out", "cmp.html");
      await Deno.mkdir(join(root, "out"));
      const result = await compareCli([a, b, "--group-by", "lr", "--html", file]);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^a vs b: identical \(7 rows\)$/m);
      assert.match(result.stderr, /^HTML report: .*cmp\.html \(\d+ KiB\), chart specs in .*cmp-charts\/\n$/);
      const html = await Deno.readTextFile(file);
      assert.match(html, /<li>a vs b: identical \(7 rows\)<\/li>/);
      assert.match(html, /data-chart="runs"[^>]*><svg/);
      assert.match(html, /data-chart="groups"[^>]*><svg/);
      assert.match(html, /href="cmp-charts\/groups\.vl\.json"/);
      const spec = JSON.parse(await Deno.readTextFile(join(root, "out", "cmp-charts", "groups.vl.json")));
      assert.equal(spec.layer.length, 2, "the ± band and the mean line");
    }),
);

Deno.test(
  "compareCli --html to a path that cannot be written still prints the comparison, then names the failed write",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", { timeOffset: 2 });
      for (const format of [[], ["--csv"], ["--markdown"]]) {
        const plain = await compareCli([a, b, ...format]);
        const bad = await compareCli([a, b, ...format, "--html", join(root, "no", "such", "dir", "x.html")]);
        assert.equal(bad.code, 2, format.join(" "));
        assert.ok(plain.stdout.length > 100);
        assert.equal(bad.stdout, plain.stdout, "the comparison is printed all the same");
        assert.match(
          bad.stderr,
          /^compare: cannot write --html \S+x\.html: No such file or directory.* \(the comparison is printed; give --html a path in a folder that exists and can be written\)\n$/,
        );
      }
    }),
);

Deno.test(
  "compareCli --html on a full disk leaves no empty or partial file, and still prints the comparison",
  io,
  () =>
    withTempDir(async (root) => {
      const a = await makeRun(root, "a");
      const b = await makeRun(root, "b", { timeOffset: 2 });
      const out = join(root, "out");
      await Deno.mkdir(out);
      const files = () => [...walkFiles(out)].sort();
      const plain = await compareCli([a, b]);
      for (const [full, room] of [["cmp.html", 0], ["cmp.html", 100], ["-charts/", 0], ["-charts/", 50]] as const) {
        const write = fullDisk((path) => path.includes(full), { room });
        const result = await compareCli([a, b, "--html", join(out, "cmp.html")], { write });
        assert.equal(result.code, 2, full);
        assert.equal(result.stdout, plain.stdout);
        assert.match(result.stderr, /^compare: cannot write --html \S+: No space left on device/);
        assert.deepEqual(files(), [], `${full} with room for ${room} bytes: nothing left behind`);
      }
      // A page written before, and its specs, are replaced all together or not at all.
      assert.equal((await compareCli([a, b, "--html", join(out, "cmp.html")])).code, 0);
      const contents = () => files().map((f) => [f, Deno.readTextFileSync(join(out, f))]);
      const before = contents();
      assert.ok(before.length > 1);
      for (const full of ["cmp.html", "groups.vl.json"]) {
        const result = await compareCli([a, b, "--html", join(out, "cmp.html"), "--group-by", "lr"], {
          write: fullDisk((path) => path.includes(full), { room: 10 }),
        });
        assert.equal(result.code, 2);
        assert.deepEqual(contents(), before, `${full} full: the page and specs written before are kept`);
      }
    }),
);

/** The files under `dir`, as paths relative to it. */
function* walkFiles(dir: string, prefix = ""): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) yield* walkFiles(join(dir, entry.name), `${prefix}${entry.name}/`);
    else yield `${prefix}${entry.name}`;
  }
}
