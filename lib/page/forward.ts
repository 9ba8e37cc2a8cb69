/**
 * The forward pass the draw-and-classify page runs: plain functions over
 * `Float32Array`s, one sample, NCHW, with no imports, so that
 * `Function.prototype.toString` gives the page its source (the same code
 * these tests run in Deno).
 *
 * @module
 */

/** One layer of a {@linkcode PageModel}, with its output shape (`[C, H, W]` or `[units]`) and weights by name. */
export type PageLayer =
  | {
    kind: "conv2d";
    out: number[];
    /** `[F, C, KH, KW]`. */
    kernel: string;
    /** `[F]` per channel, `[F, OH, OW]` per position, or none. */
    bias: string | null;
    kernelShape: number[];
    stride: number[];
    /** Zero padding `[top, left, bottom, right]`. */
    pad: number[];
  }
  | { kind: "max_pool2d"; out: number[]; window: number[]; stride: number[] }
  | { kind: "dense"; out: number[]; /** `[inputs, units]`. */ weight: string; bias: string | null }
  | { kind: "relu" | "sigmoid" | "flatten"; out: number[] };

/** What the page embeds: the network, its weights, its pixel transform and its class names. */
export interface PageModel {
  /** The run, e.g. `zhou/20261122-042732Z-seed0`, and the arm. */
  title: string;
  /** Class names by index. */
  labels: string[];
  /** `[C, H, W]` of one input. */
  inputShape: number[];
  /** The layers in order. */
  layers: PageLayer[];
  /** The pixel transform as `byte * scale[i] + offset[i]` per pixel. */
  scale: number[];
  /** See `scale`. */
  offset: number[];
  /** Each parameter's float32 little-endian bytes, base64. */
  tensors: Record<string, string>;
}

/** Decodes the base64 float32 tensors of a {@linkcode PageModel}. */
export function decodeTensors(tensors: Record<string, string>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, text] of Object.entries(tensors)) {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    out[name] = new Float32Array(bytes.buffer);
  }
  return out;
}

/**
 * The logits of one image: the pixel transform, then every layer.
 *
 * @param model the page's model.
 * @param weights from {@linkcode decodeTensors}.
 * @param bytes `C * H * W` pixel bytes in the model's input form.
 */
export function forward(model: PageModel, weights: Record<string, Float32Array>, bytes: ArrayLike<number>): number[] {
  let x = Float32Array.from(model.scale, (s, i) => bytes[i]! * s + model.offset[i]!);
  let shape = model.inputShape;
  for (const layer of model.layers) {
    const [C, H, W] = shape as [number, number, number], [F, OH, OW] = layer.out as [number, number, number];
    const y = new Float32Array(layer.out.reduce((a, b) => a * b, 1));
    if (layer.kind === "conv2d") {
      const w = weights[layer.kernel]!, b = layer.bias === null ? null : weights[layer.bias]!;
      const [, , KH, KW] = layer.kernelShape as [number, number, number, number];
      for (let f = 0; f < F; f++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            let s = b === null ? 0 : b.length === F ? b[f]! : b[(f * OH + oy) * OW + ox]!;
            for (let c = 0; c < C; c++) {
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * layer.stride[0]! - layer.pad[0]! + ky;
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * layer.stride[1]! - layer.pad[1]! + kx;
                  if (ix >= 0 && ix < W) s += x[(c * H + iy) * W + ix]! * w[((f * C + c) * KH + ky) * KW + kx]!;
                }
              }
            }
            y[(f * OH + oy) * OW + ox] = s;
          }
        }
      }
    } else if (layer.kind === "max_pool2d") {
      for (let c = 0; c < F; c++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            let m = -Infinity;
            for (let ky = 0; ky < layer.window[0]!; ky++) {
              for (let kx = 0; kx < layer.window[1]!; kx++) {
                m = Math.max(m, x[(c * H + oy * layer.stride[0]! + ky) * W + ox * layer.stride[1]! + kx]!);
              }
            }
            y[(c * OH + oy) * OW + ox] = m;
          }
        }
      }
    } else if (layer.kind === "dense") {
      const w = weights[layer.weight]!, b = layer.bias === null ? null : weights[layer.bias]!, units = y.length;
      for (let u = 0; u < units; u++) {
        let s = b === null ? 0 : b[u]!;
        for (let i = 0; i < x.length; i++) s += x[i]! * w[i * units + u]!;
        y[u] = s;
      }
    } else {
      const f = { relu: (v: number) => Math.max(0, v), sigmoid: (v: number) => 1 / (1 + Math.exp(-v)) }[
        layer.kind as "relu"
      ];
      y.set(f ? x.map(f) : x);
    }
    x = y, shape = layer.out;
  }
  return [...x];
}
