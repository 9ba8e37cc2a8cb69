/**
 * 2-D convolution (cross-correlation, as every framework computes it) over
 * NCHW tensors, as a cs231n-style pair: the forward returns a cache that the
 * backward consumes.
 *
 * @module
 */
import { assertRank, type FloatArray, formatShape, type Tensor, zerosLike } from "../tensor/mod.ts";

/**
 * Where a backward writes its parameter gradients (overwriting them) instead
 * of new arrays, and whether it computes the input gradient.
 */
export interface GradientTargets {
  /** The weight gradient's array, e.g. a parameter's `grad`. */
  dw?: FloatArray;
  /** The bias gradient's array. */
  db?: FloatArray | null;
  /** `false` skips `dx` (a first layer needs none); it is then null. Default true. */
  inputGradient?: boolean;
}

/** Zero padding on each side, in pixels. */
export interface Padding2d {
  /** Rows of zeros added above the input. */
  top: number;
  /** Rows of zeros added below the input. */
  bottom: number;
  /** Columns of zeros added left of the input. */
  left: number;
  /** Columns of zeros added right of the input. */
  right: number;
}

/**
 * How to pad: a number for all sides, `[rows, cols]`, explicit sides,
 * `"valid"` (none) or `"same"` (output size `ceil(input / stride)`; when the
 * total padding is odd the extra row or column goes at the bottom or right,
 * as TensorFlow and Keras do).
 */
export type PaddingSpec = number | readonly [number, number] | Padding2d | "valid" | "same";

/** Resolves a {@linkcode PaddingSpec} for one input size, kernel and stride. */
function resolvePadding(
  padding: PaddingSpec,
  geometry: { input: readonly [number, number]; kernel: readonly [number, number]; stride: readonly [number, number] },
): Padding2d {
  if (padding === "valid") return { top: 0, bottom: 0, left: 0, right: 0 };
  if (padding === "same") {
    const [rows, cols] = [0, 1].map((axis) => {
      const out = Math.ceil(geometry.input[axis]! / geometry.stride[axis]!);
      const total = Math.max((out - 1) * geometry.stride[axis]! + geometry.kernel[axis]! - geometry.input[axis]!, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }) as [[number, number], [number, number]];
    return { top: rows[0], bottom: rows[1], left: cols[0], right: cols[1] };
  }
  if (typeof padding === "number") return { top: padding, bottom: padding, left: padding, right: padding };
  if (Array.isArray(padding)) {
    const [rows, cols] = padding as readonly [number, number];
    return { top: rows, bottom: rows, left: cols, right: cols };
  }
  return { ...(padding as Padding2d) };
}

/** Options of {@linkcode conv2dForward}. */
export interface Conv2dOptions {
  /** `[F]` (one per output channel), `[F, OH, OW]` (one per output position) or null for none. */
  bias?: Tensor | null;
  /** Step between windows, one number or `[rows, cols]`; default 1. */
  stride?: number | readonly [number, number];
  /** Zero padding; default `"valid"`. */
  padding?: PaddingSpec;
}

/** What {@linkcode conv2dBackward} needs from the forward pass. */
export interface Conv2dCache {
  /** Input of the forward pass, `[N, C, H, W]`. */
  x: Tensor;
  /** Filters of the forward pass, `[F, C, KH, KW]`. */
  w: Tensor;
  /** Shape of the bias (`[F]` or `[F, OH, OW]`), or null when there was none. */
  biasShape: readonly number[] | null;
  /** Step between windows, `[rows, cols]`. */
  stride: readonly [number, number];
  /** Zero padding the forward resolved, in pixels per side. */
  padding: Padding2d;
  /** Shape of the output `y`, `[N, F, OH, OW]`. */
  outShape: readonly [number, number, number, number];
}

/** The output size along one axis, or throws when the kernel does not fit. */
function outputSize(input: number, kernel: number, stride: number, padBefore: number, padAfter: number): number {
  const span = input + padBefore + padAfter - kernel;
  if (span < 0) {
    throw new RangeError(`conv2d: kernel ${kernel} is larger than padded input ${input + padBefore + padAfter}`);
  }
  return Math.floor(span / stride) + 1;
}

/** The first and one-past-last output index whose tap `k` reads inside the input. */
function validRange(k: number, before: number, stride: number, input: number, output: number): [number, number] {
  // Output o reads input i = o * stride + k - before; keep 0 <= i < input.
  const start = Math.max(0, Math.ceil((before - k) / stride));
  const end = Math.min(output, Math.floor((input - 1 + before - k) / stride) + 1);
  return [start, end];
}

/** Stride, padding and output size of a convolution over one input size. */
export interface Conv2dGeometry {
  /** `[rows, cols]`. */
  stride: [number, number];
  /** Zero padding on each side. */
  padding: Padding2d;
  /** Output rows. */
  outHeight: number;
  /** Output columns. */
  outWidth: number;
}

/**
 * Resolves stride and padding for an `[H, W]` input and a `[KH, KW]` kernel and computes the output size.
 *
 * @throws {RangeError} when the kernel does not fit the padded input.
 */
export function conv2dGeometry(
  input: readonly [number, number],
  options: { kernel: readonly [number, number]; stride?: number | readonly [number, number]; padding?: PaddingSpec },
): Conv2dGeometry {
  const stride: [number, number] = typeof options.stride === "number"
    ? [options.stride, options.stride]
    : [options.stride?.[0] ?? 1, options.stride?.[1] ?? 1];
  const padding = resolvePadding(options.padding ?? "valid", { input, kernel: options.kernel, stride });
  return {
    stride,
    padding,
    outHeight: outputSize(input[0], options.kernel[0], stride[0], padding.top, padding.bottom),
    outWidth: outputSize(input[1], options.kernel[1], stride[1], padding.left, padding.right),
  };
}

/** The checked sizes of a convolution: what every backend's forward starts from. */
export interface Conv2dSizes extends Conv2dGeometry {
  /** `[N, C, H, W]` of the input. */
  input: [number, number, number, number];
  /** `[F, C, KH, KW]` of the filters. */
  filters: [number, number, number, number];
  /** The bias, or null for none. */
  bias: Tensor | null;
}

/**
 * Checks `x`, `w` and the bias of a convolution against each other and resolves its geometry.
 *
 * @throws {RangeError} naming the mismatch.
 */
export function conv2dSizes(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Conv2dSizes {
  assertRank(x, 4, "conv2dForward x");
  assertRank(w, 4, "conv2dForward w");
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [F, WC, KH, KW] = w.shape as [number, number, number, number];
  if (WC !== C) {
    throw new RangeError(
      `conv2dForward: filters expect ${WC} input channels, the input ${formatShape(x.shape)} has ${C}`,
    );
  }
  const geometry = conv2dGeometry([H, W], {
    kernel: [KH, KW],
    stride: options.stride,
    padding: options.padding,
  });
  const bias = options.bias ?? null;
  const OH = geometry.outHeight, OW = geometry.outWidth;
  if (bias !== null && bias.data.length !== F && bias.data.length !== F * OH * OW) {
    throw new RangeError(
      `conv2dForward: bias must hold ${F} (per channel) or ${
        F * OH * OW
      } (per position) values, got ${bias.data.length}`,
    );
  }
  return { ...geometry, input: [N, C, H, W], filters: [F, C, KH, KW], bias };
}

/**
 * Convolves `x` of shape `[N, C, H, W]` with filters `w` of shape
 * `[F, C, KH, KW]`, giving `y` of shape `[N, F, OH, OW]`.
 *
 * @param x the input, NCHW.
 * @param w the filters.
 * @param options bias, stride and padding.
 * @returns `y` and the cache for {@linkcode conv2dBackward}.
 *
 * @example
 * ```ts
 * import { conv2dForward } from "./conv2d.ts";
 * const x = { data: new Float32Array(16).fill(1), shape: [1, 1, 4, 4] };
 * const w = { data: new Float32Array(9).fill(1), shape: [1, 1, 3, 3] };
 * conv2dForward(x, w, { padding: "valid" }).y.shape; // [1, 1, 2, 2]
 * ```
 */
export function conv2dForward(x: Tensor, w: Tensor, options: Conv2dOptions = {}): { y: Tensor; cache: Conv2dCache } {
  const sizes = conv2dSizes(x, w, options);
  const [N, C, H, W] = sizes.input, [F, , KH, KW] = sizes.filters;
  const { stride, padding: pad, outHeight: OH, outWidth: OW, bias } = sizes;
  const xd = x.data, wd = w.data;
  const y = zerosLike(xd, N * F * OH * OW);
  const plane = OH * OW;
  const [sh, sw] = stride;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const yBase = (n * F + f) * plane;
      if (bias !== null) {
        if (bias.data.length === F) y.fill(bias.data[f]!, yBase, yBase + plane);
        else y.set(bias.data.subarray(f * plane, (f + 1) * plane), yBase);
      }
      for (let c = 0; c < C; c++) {
        const xBase = (n * C + c) * H * W;
        for (let kh = 0; kh < KH; kh++) {
          const [oh0, oh1] = validRange(kh, pad.top, sh, H, OH);
          for (let kw = 0; kw < KW; kw++) {
            const [ow0, ow1] = validRange(kw, pad.left, sw, W, OW);
            const wv = wd[((f * C + c) * KH + kh) * KW + kw]!;
            for (let oh = oh0; oh < oh1; oh++) {
              const xRow = xBase + (oh * sh + kh - pad.top) * W + kw - pad.left;
              const yRow = yBase + oh * OW;
              for (let ow = ow0; ow < ow1; ow++) y[yRow + ow] += wv * xd[xRow + ow * sw]!;
            }
          }
        }
      }
    }
  }
  return {
    y: { data: y, shape: [N, F, OH, OW] },
    cache: { x, w, biasShape: bias === null ? null : bias.shape, stride, padding: pad, outShape: [N, F, OH, OW] },
  };
}

/**
 * The gradients of a convolution, given the gradient `dy` of its output.
 *
 * @param dy the output gradient, `[N, F, OH, OW]`.
 * @param cache from {@linkcode conv2dForward}.
 * @param options where to write `dw` and `db`, and whether to compute `dx`.
 * @returns `dx` like x, `dw` like w, `db` like the bias (null without a bias).
 */
export function conv2dBackward(
  dy: Tensor,
  cache: Conv2dCache,
  options: GradientTargets = {},
): { dx: Tensor | null; dw: Tensor; db: Tensor | null } {
  const { x, w, stride, padding: pad, outShape } = cache;
  const [N, F, OH, OW] = outShape;
  if (dy.data.length !== N * F * OH * OW) {
    throw new RangeError(`conv2dBackward: dy has shape ${formatShape(dy.shape)}, expected ${formatShape(outShape)}`);
  }
  const [, C, H, W] = x.shape as [number, number, number, number];
  const [, , KH, KW] = w.shape as [number, number, number, number];
  const wantDx = options.inputGradient ?? true;
  const xd = x.data, wd = w.data, dyd = dy.data;
  const dx = wantDx ? zerosLike(xd) : null;
  const dw = options.dw?.fill(0) ?? zerosLike(wd);
  const plane = OH * OW;
  const [sh, sw] = stride;

  let db: Tensor | null = null;
  if (cache.biasShape !== null) {
    const perPosition = cache.biasShape.length > 1 || cache.biasShape[0] !== F;
    const dbData = options.db?.fill(0) ?? zerosLike(dyd, perPosition ? F * plane : F);
    for (let n = 0; n < N; n++) {
      for (let f = 0; f < F; f++) {
        const base = (n * F + f) * plane;
        if (perPosition) {
          for (let p = 0; p < plane; p++) dbData[f * plane + p] += dyd[base + p]!;
        } else {
          let sum = 0;
          for (let p = 0; p < plane; p++) sum += dyd[base + p]!;
          dbData[f] += sum;
        }
      }
    }
    db = { data: dbData, shape: [...cache.biasShape] };
  }

  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const yBase = (n * F + f) * plane;
      for (let c = 0; c < C; c++) {
        const xBase = (n * C + c) * H * W;
        for (let kh = 0; kh < KH; kh++) {
          const [oh0, oh1] = validRange(kh, pad.top, sh, H, OH);
          for (let kw = 0; kw < KW; kw++) {
            const [ow0, ow1] = validRange(kw, pad.left, sw, W, OW);
            const wIndex = ((f * C + c) * KH + kh) * KW + kw;
            const wv = wd[wIndex]!;
            let acc = 0;
            for (let oh = oh0; oh < oh1; oh++) {
              const xRow = xBase + (oh * sh + kh - pad.top) * W + kw - pad.left;
              const yRow = yBase + oh * OW;
              if (dx !== null) {
                for (let ow = ow0; ow < ow1; ow++) {
                  const g = dyd[yRow + ow]!;
                  const xi = xRow + ow * sw;
                  acc += g * xd[xi]!;
                  dx[xi] += wv * g;
                }
              } else {
                for (let ow = ow0; ow < ow1; ow++) acc += dyd[yRow + ow]! * xd[xRow + ow * sw]!;
              }
            }
            dw[wIndex] += acc;
          }
        }
      }
    }
  }
  return { dx: dx === null ? null : { data: dx, shape: [...x.shape] }, dw: { data: dw, shape: [...w.shape] }, db };
}
