import assert from "node:assert/strict";
import { encode } from "fast-png";
import { parse } from "csv-parse/sync";
import { readCheckpoint, writeCheckpoint } from "../checkpoint/mod.ts";
import { runExperiment } from "../experiment/mod.ts";
import { Dense, Sequential } from "../layers/mod.ts";
import { createRng } from "../rng/mod.ts";
import { needs, withTempDir } from "../testing/io.ts";
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
