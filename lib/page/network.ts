/**
 * The network the draw-and-classify page runs: the run's model rebuilt from {@linkcode LayerSpec}s with the
 * project's own layers (TypeScript kernels) and its checkpoint. Nothing here needs Deno: it runs in the browser.
 *
 * @module
 */
import { decodeSafetensors } from "../checkpoint/safetensors.ts";
import { type PixelTransform, transformFromRecord } from "../data/transforms.ts";
import { Conv2d, type Conv2dLayerOptions, Dense, type DenseLayerOptions, Flatten, type Layer } from "../layers/mod.ts";
import { MaxPool2d, Relu, Sequential, Sigmoid } from "../layers/mod.ts";
import type { MaxPool2dOptions } from "../kernels/mod.ts";
import { probabilities } from "../predict/input.ts";
import { createRng } from "../rng/mod.ts";
import type { Tensor } from "../tensor/mod.ts";

/** One layer as the page rebuilds it: its kind and its constructor's options (no initializers, no rng). */
export type LayerSpec =
  | { kind: "conv2d"; options: Omit<Conv2dLayerOptions, "rng" | "kernelInit" | "biasInit"> }
  | { kind: "dense"; options: Omit<DenseLayerOptions, "rng" | "weightInit" | "biasInit"> }
  | { kind: "max_pool2d"; options: MaxPool2dOptions }
  | { kind: "relu" | "sigmoid" | "flatten" };

/**
 * The specs of a model's layers.
 *
 * @throws {Error} naming a layer the page cannot rebuild.
 */
export function layerSpecs(model: Sequential): LayerSpec[] {
  let shape = model.inputShape;
  return model.layers.map((layer) => {
    const input = shape;
    shape = layer.outputShape(shape);
    if (layer instanceof Conv2d) {
      const [filters, , KH, KW] = layer.kernel.shape as number[];
      const bias = layer.bias === null ? "none" : layer.bias.shape.length === 1 ? "channel" : "position";
      const { stride, padding } = layer.geometry, kernel = [KH!, KW!] as const;
      return {
        kind: "conv2d",
        options: { input: input as [number, number, number], filters: filters!, kernel, stride, padding, bias },
      };
    }
    if (layer instanceof Dense) {
      const [inputs, units] = layer.weight.shape as number[];
      return { kind: "dense", options: { inputs: inputs!, units: units!, bias: layer.bias !== null } };
    }
    if (layer instanceof MaxPool2d) return { kind: "max_pool2d", options: layer.options };
    if (layer.kind === "relu" || layer.kind === "sigmoid" || layer.kind === "flatten") return { kind: layer.kind };
    throw new Error(`the page cannot run a '${layer.kind}' layer`);
  });
}

/** A run's network rebuilt for the page. */
export interface PageNetwork {
  /** The model, with the checkpoint's weights. */
  model: Sequential;
  /** The pixel transform the run trained with. */
  transform: PixelTransform;
  /** Class names by index. */
  labels: string[];
}

/**
 * Rebuilds the network (input `[C, H, W]`) from its specs and the safetensors file's bytes.
 *
 * @throws {Error} when a parameter has no tensor of its name and shape.
 */
export function pageNetwork(specs: LayerSpec[], inputShape: number[], checkpoint: Uint8Array): PageNetwork {
  const rng = createRng(0);
  const layers = specs.map((s): Layer => {
    if (s.kind === "conv2d") return new Conv2d({ ...s.options, rng });
    if (s.kind === "dense") return new Dense({ ...s.options, rng });
    if (s.kind === "max_pool2d") return new MaxPool2d(s.options);
    return s.kind === "relu" ? new Relu() : s.kind === "sigmoid" ? new Sigmoid() : new Flatten();
  });
  const model = new Sequential(layers, { inputShape });
  const { tensors, metadata } = decodeSafetensors(checkpoint, "model.safetensors");
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const p of model.params()) {
    const t = byName.get(p.name);
    if (t?.shape.join("x") !== p.shape.join("x")) {
      throw new Error(`model.safetensors: no tensor '${p.name}' [${p.shape}]`);
    }
    p.value.set(t!.data);
  }
  return { model, transform: transformFromRecord(metadata.transform!), labels: JSON.parse(metadata.labels!) };
}

/** Classifies one image in the model's input form (bytes) as `predict` does; and the first layer's output. */
export function classifyInput(net: PageNetwork, input: Uint8Array): { probabilities: Float64Array; first: Tensor } {
  const x = { data: new Float32Array(input.length), shape: [1, ...net.model.inputShape] };
  net.transform.apply(input, 0, x.data, 0, input.length);
  const logits = net.model.forward(x, { training: false });
  const first = net.model.layers[0]!.forward(x, { training: false });
  return { probabilities: probabilities([...logits.data]), first };
}
