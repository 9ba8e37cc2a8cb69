// A checkpoint loaded into PyTorch (Debian's python3-torch) by `torch_forward.py`, which reads the
// safetensors file by hand and rebuilds the network in torch.nn: its logits must be ours.
import assert from "node:assert/strict";
import { scaleCentered } from "../data/mod.ts";
import { runExperiment } from "../experiment/mod.ts";
import { Conv2d, Dense, Flatten, gaussian, MaxPool2d, Relu, Sequential } from "../layers/mod.ts";
import { layerSpecs } from "../page/mod.ts";
import { decodeIdxImages, loadPredictor } from "../predict/mod.ts";
import { createRng } from "../rng/mod.ts";
import { needs, skipReason, withTempDir } from "../testing/io.ts";
import { tinyExperiment } from "../testing/tiny_experiment.ts";
import { writeCheckpoint } from "./checkpoint.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./torch_forward.py", import.meta.url).pathname;
const IDX = new URL("../../datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", import.meta.url).pathname;

const permitted = !needs("read", "write", { name: "run", command: PYTHON }).ignore;
/** True when /usr/bin/python3 imports torch. */
function hasTorch(): boolean {
  try {
    return new Deno.Command(PYTHON, { args: ["-c", "import torch"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** The logits PyTorch computes for `x` (`[N, 1, 28, 28]`) with the checkpoint `file` of `model`. */
async function torchLogits(dir: string, file: string, model: Sequential, x: Float32Array): Promise<number[][]> {
  const spec = { layers: layerSpecs(model), inputShape: model.inputShape };
  await Deno.writeTextFile(`${dir}/layers.json`, JSON.stringify(spec));
  await Deno.writeFile(`${dir}/inputs.f32`, new Uint8Array(x.buffer));
  const n = x.length / 784;
  const { success, stdout, stderr } = await new Deno.Command(PYTHON, {
    args: [SCRIPT, file, `${dir}/layers.json`, `${dir}/inputs.f32`, String(n)],
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** Checks PyTorch's logits against ours on the first five Fashion-MNIST test images; returns the largest difference. */
async function compare(dir: string, file: string, model: Sequential): Promise<number> {
  const images = decodeIdxImages(Deno.readFileSync(IDX), IDX, [0, 1, 2, 3, 4]);
  const x = new Float32Array(5 * 784);
  images.forEach((image, n) => scaleCentered.apply(Uint8Array.from(image.pixels), 0, x, n * 784, 784));
  const ours = model.forward({ data: x, shape: [5, 1, 28, 28] }, { training: false }).data;
  const theirs = (await torchLogits(dir, file, model, x)).flat();
  assert.equal(theirs.length, ours.length);
  const worst = Math.max(...theirs.map((v, i) => Math.abs(v - ours[i]!)));
  assert.ok(worst <= 1e-4, `PyTorch's logits differ from ours by ${worst}`);
  return worst;
}

const TORCH_TEST = "model.safetensors loads into PyTorch and gives our logits";
const torchTest = permitted
  ? skipReason(TORCH_TEST, !hasTorch() && `${PYTHON} cannot import torch (install it: apt-get install python3-torch)`)
  : { name: TORCH_TEST, ignore: true };

Deno.test(torchTest, async (t) => {
  await t.step("a tiny run: conv with channel bias -> ReLU -> max-pool -> dense", () =>
    withTempDir(async (dir) => {
      const { runDir } = await runExperiment(tinyExperiment, { controls: { out: dir, quiet: true }, terminal: false });
      const { model } = await loadPredictor(runDir, { experiment: () => Promise.resolve(tinyExperiment) });
      await compare(dir, `${runDir}/model.safetensors`, model);
    }));
  await t.step(
    "per-position biases, same padding, stride 2, a dense layer without bias",
    () =>
      withTempDir(async (dir) => {
        const rng = createRng(5), init = gaussian(0.3);
        const model = new Sequential([
          new Conv2d({
            input: [1, 28, 28],
            filters: 3,
            kernel: 5,
            padding: "same",
            bias: "position",
            biasInit: init,
            rng,
          }),
          new Relu(), // -> 3x28x28
          new Conv2d({ input: [3, 28, 28], filters: 2, kernel: 3, stride: 2, padding: 1, biasInit: init, rng }), // -> 2x14x14
          new MaxPool2d({ window: 2 }), // -> 2x7x7
          new Flatten(),
          new Dense({ inputs: 98, units: 4, bias: false, weightInit: gaussian(0.1), rng }),
        ], { inputShape: [1, 28, 28] });
        writeCheckpoint(`${dir}/model.safetensors`, model.params(), { metadata: {} });
        await compare(dir, `${dir}/model.safetensors`, model);
      }),
  );
});
