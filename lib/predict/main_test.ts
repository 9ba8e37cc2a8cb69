import assert from "node:assert/strict";
import { encode } from "fast-png";
import { parse } from "csv-parse/sync";
import { readCheckpoint, writeCheckpoint } from "../checkpoint/mod.ts";
import { runExperiment } from "../experiment/mod.ts";
import { Dense, Sequential } from "../layers/mod.ts";
import { createRng } from "../rng/mod.ts";
import { abortAfter, needs, withTempDir } from "../testing/io.ts";
import { png } from "../testing/png.ts";
import { tinyArmsExperiment, tinyExperiment } from "../testing/tiny_experiment.ts";
import { decodeIdxImages, decodePngGrey } from "./image.ts";
import { toModelInput } from "./input.ts";
import { predictCli } from "./main.ts";

const IDX = new URL("../../datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", import.meta.url).pathname;
const experiments = [tinyExperiment, tinyArmsExperiment];
const options = { experiment: (name: string) => Promise.resolve(experiments.find((e) => e.name === name)!) };

/** Runs the command line, returning its exit code and what it printed. */
async function predict(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = "", err = "";
  console.log = (line: string) => void (out += line + "\n");
  console.error = (line: string) => void (err += line + "\n");
  try {
    return { code: await predictCli(args, options), out, err };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/** A tiny trained run in `out`, and the class its own model predicted for each of its 30 test images. */
async function tinyRun(out: string) {
  const { runDir } = await runExperiment(tinyExperiment, { controls: { out, quiet: true }, terminal: false });
  const rows = parse(await Deno.readTextFile(`${runDir}/predictions.csv`), { columns: true }) as Record<
    string,
    string
  >[];
  return { runDir, predicted: rows.map((r) => Number(r.predicted_class)) };
}

const csvRows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

Deno.test(
  "predict gives the run's own predictions for IDX, PNG and PGM images, in the CSV format",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const { runDir, predicted } = await tinyRun(dir);
      await (async () => {
        const { code, out } = await predict([runDir, IDX, "--index", "0..29", "--csv"]);
        assert.equal(code, 0);
        assert.equal(out.split("\n")[0], "image,rank,class,label,probability");
        const rows = csvRows(out);
        assert.equal(rows.length, 30 * 3, "three ranks per image");
        const top = rows.filter((r) => r.rank === "1");
        assert.deepEqual(top.map((r) => r.image), predicted.map((_, i) => `${IDX}[${i}]`));
        assert.deepEqual(top.map((r) => Number(r.class)), predicted);
        assert.equal(rows.find((r) => r.class === "1")?.label, "Trouser");
        for (let i = 0; i < 30; i++) {
          const p = rows.slice(3 * i, 3 * i + 3).map((r) => Number(r.probability));
          assert.deepEqual(rows.slice(3 * i, 3 * i + 3).map((r) => r.rank), ["1", "2", "3"]);
          assert.ok(p[0]! >= p[1]! && p[1]! >= p[2]! && p[0]! <= 1, `image ${i}: ${p}`);
        }
      })();
      const images = decodeIdxImages(Deno.readFileSync(IDX), IDX, [0, 1, 2, 3]);
      const files: string[] = [], made: string[] = [];
      for (const [i, { pixels }] of images.entries()) {
        const grey = Uint8Array.from(pixels);
        Deno.writeFileSync(`${dir}/grey${i}.png`, encode({ width: 28, height: 28, data: grey, channels: 1, depth: 8 }));
        const header = new TextEncoder().encode("P5\n# a comment\n28 28\n255\n");
        Deno.writeFileSync(`${dir}/grey${i}.pgm`, new Uint8Array([...header, ...grey]));
        files.push(`${dir}/grey${i}.png`, `${dir}/grey${i}.pgm`);
        // Black on white, RGB, twice the size: made MNIST-style by toModelInput, so predicted as its bytes are.
        const rgb = new Uint8Array(56 * 56 * 3).map((_, k) =>
          255 - grey[Math.floor(k / 3 / 112) * 28 + (Math.floor(k / 3) % 56 >> 1)]!
        );
        const png = encode({ width: 56, height: 56, data: rgb, channels: 3, depth: 8 });
        Deno.writeFileSync(`${dir}/rgb${i}.png`, png);
        const input = toModelInput(decodePngGrey(png, "rgb.png"), { height: 28, width: 28 });
        Deno.writeFileSync(`${dir}/input${i}.pgm`, new Uint8Array([...header, ...input]));
        made.push(`${dir}/rgb${i}.png`, `${dir}/input${i}.pgm`);
      }
      const { code, out } = await predict([runDir, ...files, "--csv"]);
      assert.equal(code, 0);
      const top = csvRows(out).filter((r) => r.rank === "1").map((r) => Number(r.class));
      assert.deepEqual(top, predicted.slice(0, 4).flatMap((c) => [c, c]));
      const pairs = csvRows((await predict([runDir, ...made, "--csv"])).out);
      assert.equal(pairs.length, 4 * 2 * 3);
      for (let k = 0; k < pairs.length; k += 6) {
        const [a, b] = [pairs.slice(k, k + 3), pairs.slice(k + 3, k + 6)].map((rows) =>
          rows.map((r) => [r.class, r.probability])
        );
        assert.deepEqual(a, b, pairs[k]!.image);
      }
      const text = await predict([runDir, `${dir}/grey0.png`]);
      assert.match(
        text.out,
        new RegExp(`^${dir}/grey0\\.png: \\S+ \\d+\\.\\d%, \\S+ \\d+\\.\\d%, \\S+ \\d+\\.\\d%\\n$`),
      );
    }),
);

Deno.test(
  "predict refuses bad input with a clear message and exit code 2",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await tinyRun(dir);
      const arms = await runExperiment(tinyArmsExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      Deno.writeFileSync(`${dir}/bad.png`, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
      const wrong = `${dir}/wrong`;
      Deno.mkdirSync(wrong);
      Deno.copyFileSync(`${runDir}/manifest.json`, `${wrong}/manifest.json`);
      const other = new Sequential([new Dense({ inputs: 4, units: 2, rng: createRng(0) })], { inputShape: [4] });
      const { metadata } = readCheckpoint(`${runDir}/model.safetensors`);
      writeCheckpoint(`${wrong}/model.safetensors`, other.params(), { metadata });
      const cases: [string, string[], RegExp][] = [
        ["missing image", [runDir, `${dir}/none.png`], /none\.png: cannot read \(No such file/],
        ["corrupt PNG", [runDir, `${dir}/bad.png`], /bad\.png: not a readable PNG/],
        [
          "checkpoint of another model",
          [wrong, IDX],
          /wrong\/model\.safetensors: does not fit this model: tensor '0\.conv2d\.kernel' \[2,1,3,3\] is missing/,
        ],
        ["unknown arm", [arms.runDir, IDX, "--arm", "nope"], /no arm 'nope': one of trained, frozen/],
        ["no arm for a multi-arm run", [arms.runDir, IDX], /a multi-arm run, give --arm: one of trained, frozen/],
        [
          "index out of range",
          [runDir, IDX, "--index", "10000"],
          /--index 10000 is out of range, the file holds 10000 images/,
        ],
        ["no run folder", [`${dir}/none`, IDX], /cannot read manifest .*none\/manifest\.json/],
      ];
      for (const [name, args, expected] of cases) {
        const { code, err, out } = await predict(args);
        assert.equal(code, 2, name);
        assert.equal(out, "", name);
        assert.match(err, /^predict: /, name);
        assert.match(err, expected, name);
      }
      const armed = await predict([arms.runDir, IDX, "--arm", "frozen"]);
      assert.equal(armed.code, 0);
    }),
);

Deno.test(
  "predict reads 1-, 2- and 4-bit PNGs, grey and indexed, as it reads their 8-bit twins",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await tinyRun(dir);
      const images = decodeIdxImages(Deno.readFileSync(IDX), IDX, [0, 1, 2]);
      const files: string[] = [];
      for (const [i, { pixels }] of images.entries()) {
        const v = [...pixels], size = { width: 28, height: 28 };
        const write = (name: string, parts: Parameters<typeof png>[0]) => {
          Deno.writeFileSync(`${dir}/${name}${i}.png`, png(parts));
          files.push(`${dir}/${name}${i}.png`);
        };
        // Each pair: a picture below 8 bits, then the same picture at 8 bits.
        write("bits1-", { ...size, depth: 1, colourType: 0, samples: v.map((x) => x >= 128 ? 1 : 0) });
        write("bits1-twin", { ...size, depth: 8, colourType: 0, samples: v.map((x) => x >= 128 ? 255 : 0) });
        write("bits4-", { ...size, depth: 4, colourType: 0, samples: v.map((x) => x >> 4) });
        write("bits4-twin", { ...size, depth: 8, colourType: 0, samples: v.map((x) => (x >> 4) * 17) });
        const palette = [[0, 0, 0], [85, 85, 85], [170, 170, 170], [255, 255, 255]];
        write("indexed2-", { ...size, depth: 2, colourType: 3, samples: v.map((x) => x >> 6), palette });
        write("indexed2-twin", { ...size, depth: 8, colourType: 0, samples: v.map((x) => (x >> 6) * 85) });
      }
      const { code, out, err } = await predict([runDir, ...files, "--csv"]);
      assert.equal(code, 0, err);
      const rows = csvRows(out);
      assert.equal(rows.length, files.length * 3);
      for (let k = 0; k < rows.length; k += 6) {
        const [low, twin] = [rows.slice(k, k + 3), rows.slice(k + 3, k + 6)];
        assert.deepEqual(
          low.map((r) => [r.class, r.probability]),
          twin.map((r) => [r.class, r.probability]),
          low[0]!.image,
        );
      }
    }),
);

Deno.test(
  "predict gives each input its own rows, the same image twice included",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await tinyRun(dir);
      const [image] = decodeIdxImages(Deno.readFileSync(IDX), IDX, [0]);
      const file = `${dir}/seven.png`;
      Deno.writeFileSync(file, encode({ width: 28, height: 28, data: Uint8Array.from(image!.pixels), channels: 1 }));
      const text = await predict([runDir, file, file]);
      assert.equal(text.code, 0);
      const lines = text.out.trimEnd().split("\n");
      assert.equal(lines.length, 2, text.out);
      for (const line of lines) assert.match(line, /^\S+seven\.png: [^,]+ \d+\.\d%, [^,]+ \d+\.\d%, [^,]+ \d+\.\d%$/);
      assert.equal(lines[0], lines[1]);
      const csv = csvRows((await predict([runDir, file, file, "--csv"])).out);
      assert.deepEqual(csv.map((r) => r.rank), ["1", "2", "3", "1", "2", "3"]);
      const indexed = await predict([runDir, IDX, "--index", "0,0"]);
      const idxLines = indexed.out.trimEnd().split("\n");
      assert.equal(idxLines.length, 2, indexed.out);
      assert.equal(idxLines[0], idxLines[1]);
      assert.equal(idxLines[0]!.split(", ").length, 3, idxLines[0]);
    }),
);

Deno.test(
  "predict refuses NaN weights, bad metadata, blank and oversized pictures, naming the file",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      const { runDir } = await tinyRun(dir);
      /** A copy of the run whose checkpoint has its tensors and metadata changed by `edit`. */
      const damaged = (name: string, edit: (c: ReturnType<typeof readCheckpoint>) => void) => {
        const copy = `${dir}/${name}`;
        Deno.mkdirSync(copy);
        Deno.copyFileSync(`${runDir}/manifest.json`, `${copy}/manifest.json`);
        const checkpoint = readCheckpoint(`${runDir}/model.safetensors`);
        edit(checkpoint);
        const params = checkpoint.tensors.map((t) => ({ name: t.name, shape: t.shape, value: t.data }));
        writeCheckpoint(`${copy}/model.safetensors`, params as never, { metadata: checkpoint.metadata });
        return copy;
      };
      const nan = damaged("nan", (c) => c.tensors[1]!.data[1] = NaN);
      const settings = damaged("settings", (c) => c.metadata.settings = "{epochs: 2");
      const labels = damaged("labels", (c) => c.metadata.labels = `{"a": 1}`);
      const blank = `${dir}/blank.png`, dot = `${dir}/dot.png`;
      Deno.writeFileSync(blank, encode({ width: 40, height: 30, data: new Uint8Array(1200).fill(255), channels: 1 }));
      Deno.writeFileSync(dot, encode({ width: 1, height: 1, data: Uint8Array.of(0), channels: 1 }));
      const big = `${dir}/big.pgm`, words = `${dir}/words.pgm`;
      Deno.writeTextFileSync(big, "P5\n100000 100000\n255\n");
      Deno.writeTextFileSync(words, "P2\n2 2\n255\n0 12 x 255\n");
      const cases: [string, string[], RegExp][] = [
        ["NaN weight", [nan, IDX], /nan\/model\.safetensors: tensor '0\.conv2d\.bias' holds NaN \(at 1\)/],
        ["settings not JSON", [settings, IDX], /settings\/model\.safetensors: __metadata__ 'settings' is not JSON/],
        ["labels not a list", [labels, IDX], /labels\/model\.safetensors: __metadata__ 'labels' is not a list of/],
        ["blank picture", [runDir, blank], /blank\.png: no ink found/],
        ["1x1 picture", [runDir, dot], /dot\.png: no ink found/],
        ["100000x100000 PGM", [runDir, big], /big\.pgm: 100000x100000 is 10000000000 pixels, over the limit of/],
        ["PGM with a word", [runDir, words], /words\.pgm: PGM value 3, 'x', is not a whole number/],
      ];
      for (const [name, args, expected] of cases) {
        const { code, err, out } = await predict(args);
        assert.equal(code, 2, name);
        assert.equal(out, "", name);
        assert.match(err, /^predict: /, name);
        assert.match(err, expected, name);
      }
    }),
);

Deno.test(
  "predict with the checkpoint of a run that did not complete says so, and which epoch it holds",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      // Stopped in epoch 2 of 2 (60 steps an epoch): its checkpoint holds epoch 1.
      const { runDir } = await runExperiment(tinyExperiment, {
        controls: { out: dir, quiet: true },
        terminal: false,
        signal: abortAfter(70),
      });
      const stopped = await predict([runDir, IDX]);
      assert.equal(stopped.code, 0, stopped.err);
      assert.match(
        stopped.err,
        /^warning: .*: the run was interrupted \(.*\), so .*model\.safetensors holds its weights after epoch 1 of 2\n$/,
      );
      const manifest = JSON.parse(Deno.readTextFileSync(`${runDir}/manifest.json`));
      Deno.writeTextFileSync(
        `${runDir}/manifest.json`,
        JSON.stringify({ ...manifest, status: "failed", "status_detail": "disk full" }),
      );
      assert.match((await predict([runDir, IDX])).err, /the run failed \(disk full\), so .* after epoch 1 of 2/);
      Deno.writeTextFileSync(`${runDir}/manifest.json`, JSON.stringify({ ...manifest, status: "running" }));
      assert.match(
        (await predict([runDir, IDX])).err,
        /the run has not finished \(it is still running, or was stopped without recording how\), so .* after epoch 1 of 2/,
      );
      const { runDir: done } = await runExperiment(tinyExperiment, {
        controls: { out: dir, quiet: true },
        terminal: false,
      });
      assert.equal((await predict([done, IDX])).err, "", "a completed run: no warning");
    }),
);
