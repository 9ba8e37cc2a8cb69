/**
 * A model as a list of layers, run in order forward and in reverse backward.
 *
 * @module
 */
import type { Param, Tensor } from "../tensor/mod.ts";
import type { Backend } from "../backend/mod.ts";
import type { BackwardOptions, ForwardOptions, Layer } from "./layer.ts";

/** The name each parameter's own layer gave it, before any Sequential named it by its path. */
const givenNames = new WeakMap<Param, string>();
const givenName = (p: Param): string => {
  if (!givenNames.has(p)) givenNames.set(p, p.name);
  return givenNames.get(p)!;
};

/** Layers applied one after another. */
export class Sequential implements Layer {
  readonly kind = "sequential";
  /** The layers, first to last. */
  readonly layers: readonly Layer[];
  /** The shape of one input sample, without the batch axis. */
  readonly inputShape: readonly number[];
  readonly #params: Param[];
  readonly #names: string[];

  /**
   * Chains the layers, checks their shapes and names each param by its path, `<index>.<kind>.<name>` (nested
   * models add their own path: `1.sequential.0.dense.weight`).
   *
   * @param layers the layers, first to last.
   * @param options `inputShape` of one sample (e.g. `[1, 28, 28]`); every layer's shape is checked against it now.
   *
   * @example
   * ```ts
   * import { Dense, Relu, Sequential } from "./mod.ts";
   * import { createRng } from "../rng/mod.ts";
   * const rng = createRng(0);
   * const model = new Sequential([
   *   new Dense({ inputs: 4, units: 3, rng }), // 4 -> 3
   *   new Relu(),
   * ], { inputShape: [4] });
   * model.summary(); // one line a layer, with output shapes
   * ```
   */
  constructor(layers: readonly Layer[], options: { inputShape: readonly number[] }) {
    this.layers = layers;
    this.inputShape = [...options.inputShape];
    // Checks the shapes now, so a mistake surfaces before training starts.
    let shape = this.inputShape;
    for (const layer of layers) shape = layer.outputShape(shape);
    // A parameter's name is its path: position and kind at each level, then the name its own layer gave it.
    const named = layers.flatMap((layer, i) => {
      const local = layer instanceof Sequential ? layer.#names : layer.params().map(givenName);
      return layer.params().map((p, k) => [p, `${i}.${layer.kind}.${local[k]}`] as const);
    });
    for (const [p, name] of named) p.name = name;
    this.#params = named.map(([p]) => p);
    this.#names = named.map(([, name]) => name);
  }

  /** Forward through every layer, each given the same `options` (training or evaluation). */
  forward(x: Tensor, options: ForwardOptions = {}): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y, options);
    return y;
  }

  /** Backward through every layer; `inputGradient: false` lets the first layer skip its input gradient. */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    let d = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i]!.backward(d, i === 0 ? options : {});
    return d;
  }

  /** Runs every layer on `backend`, moving the float32 parameters into its memory. */
  useBackend(backend: Backend): void {
    for (const layer of this.layers) layer.useBackend?.(backend);
  }

  params(): Param[] {
    return this.#params;
  }

  outputShape(input: readonly number[]): number[] {
    let shape: readonly number[] = input;
    for (const layer of this.layers) shape = layer.outputShape(shape);
    return [...shape];
  }

  describe(): string {
    return `sequential of ${this.layers.length} layers`;
  }

  /** The kinks of every layer that has them, concatenated. */
  kinks(): ArrayLike<number> {
    const parts = this.layers.map((layer) => Array.from(layer.kinks?.() ?? []));
    return parts.flat();
  }

  /** A table of the layers (description, output shape, parameters, as Keras's summary), then the totals. */
  summary(): string {
    let shape = this.inputShape;
    const rows = [["layer", "output", "parameters"], [`input ${shape.join("x")}`, "", ""]];
    for (const layer of this.layers) {
      shape = layer.outputShape(shape);
      rows.push([layer.describe(), shape.join("x"), String(sizeOf(layer.params()))]);
    }
    const widths = [0, 1].map((k) => Math.max(...rows.map((row) => row[k].length)));
    const params = Math.max(...rows.map((row) => row[2].length));
    const lines = rows.map(([what, out, n]) =>
      `${what.padEnd(widths[0])} ${out.padEnd(widths[1])} ${n.padStart(params)}`.trimEnd()
    );
    const trainable = sizeOf(this.#params.filter((p) => !p.frozen));
    lines.push(`${sizeOf(this.#params)} parameters, ${trainable} trainable`);
    return lines.join("\n");
  }
}

/** The number of values in `params`. */
function sizeOf(params: readonly Param[]): number {
  return params.reduce((sum, p) => sum + p.value.length, 0);
}
