/**
 * Max pooling over NCHW tensors. The forward records where each maximum came
 * from (ConvNetJS's "switches"), so the backward is a scatter.
 *
 * @module
 */
import { assertRank, formatShape, sizeOf, type Tensor, zerosLike } from "../tensor/mod.ts";

/** What {@linkcode maxPool2dBackward} needs from the forward pass. */
export interface MaxPool2dCache {
  /** Shape of the input `x`, `[N, C, H, W]`. */
  inputShape: readonly number[];
  /** For each output element, the flat index in x of the maximum it took. */
  argmax: Int32Array;
  /** Shape of the output `y`, `[N, C, OH, OW]`. */
  outShape: readonly number[];
}

/** Window, stride and output size of a max-pool (no padding). */
export interface MaxPool2dGeometry {
  /** `[rows, cols]`. */
  window: [number, number];
  /** `[rows, cols]`; the window unless given. */
  stride: [number, number];
  /** Output rows. */
  outHeight: number;
  /** Output columns. */
  outWidth: number;
}

/** The options of a max-pool: `window` as a number or `[rows, cols]`; `stride` defaults to the window. */
export interface MaxPool2dOptions {
  /** The window, square or `[rows, cols]`. */
  window: number | readonly [number, number];
  /** Default: the window. */
  stride?: number | readonly [number, number];
}

/**
 * Resolves a max-pool's window and stride for an `[H, W]` input; windows past the edge are dropped.
 *
 * @throws {RangeError} when the window is larger than the input.
 */
export function maxPool2dGeometry(input: readonly [number, number], options: MaxPool2dOptions): MaxPool2dGeometry {
  const pair = (v: number | readonly [number, number]): [number, number] =>
    typeof v === "number" ? [v, v] : [v[0], v[1]];
  const window = pair(options.window);
  const stride = pair(options.stride ?? window);
  if (window[0] > input[0] || window[1] > input[1]) {
    throw new RangeError(`max_pool2d: window ${window.join("x")} is larger than the input ${input.join("x")}`);
  }
  return {
    window,
    stride,
    outHeight: Math.floor((input[0] - window[0]) / stride[0]) + 1,
    outWidth: Math.floor((input[1] - window[1]) / stride[1]) + 1,
  };
}

/**
 * Takes the maximum over each `window` of `x` (`[N, C, H, W]`), moving by `stride`.
 *
 * Windows that would run past the edge are dropped (no padding), so a 2x2
 * pool of a 13x13 map gives 6x6, like Keras' `"valid"` and the write-ups'
 * `h // 2`.
 *
 * Ties: the first maximum in row-major order within the window takes the
 * whole gradient; the others get none.
 *
 * @param x the input, NCHW.
 * @param options `window` as a number or `[rows, cols]`; `stride` defaults to the window.
 * @returns `y` of shape `[N, C, OH, OW]` and the cache.
 */
export function maxPool2dForward(
  x: Tensor,
  options: MaxPool2dOptions,
): { y: Tensor; cache: MaxPool2dCache } {
  assertRank(x, 4, "maxPool2dForward x");
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const { window: [PH, PW], stride: [SH, SW], outHeight: OH, outWidth: OW } = maxPool2dGeometry([H, W], options);
  const xd = x.data;
  const y = zerosLike(xd, N * C * OH * OW);
  const argmax = new Int32Array(y.length);
  let out = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = base + oh * SH * W + ow * SW;
        let bestValue = xd[best]!;
        for (let ph = 0; ph < PH; ph++) {
          const row = base + (oh * SH + ph) * W + ow * SW;
          for (let pw = 0; pw < PW; pw++) {
            const v = xd[row + pw]!;
            // Strict ">" keeps the first maximum on ties.
            if (v > bestValue) {
              bestValue = v;
              best = row + pw;
            }
          }
        }
        y[out] = bestValue;
        argmax[out++] = best;
      }
    }
  }
  return {
    y: { data: y, shape: [N, C, OH, OW] },
    cache: { inputShape: x.shape, argmax, outShape: [N, C, OH, OW] },
  };
}

/**
 * Routes each output gradient to the input position that held the maximum.
 *
 * @param dy the output gradient, `[N, C, OH, OW]`.
 * @param cache from {@linkcode maxPool2dForward}.
 * @returns `dx` of the input's shape; zero wherever no maximum was taken.
 */
export function maxPool2dBackward(dy: Tensor, cache: MaxPool2dCache): Tensor {
  if (dy.data.length !== cache.argmax.length) {
    throw new RangeError(
      `maxPool2dBackward: dy has shape ${formatShape(dy.shape)}, expected ${formatShape(cache.outShape)}`,
    );
  }
  const dx = zerosLike(dy.data, sizeOf(cache.inputShape));
  const dyd = dy.data, argmax = cache.argmax;
  // "+=" because with a stride smaller than the window one input can win several windows.
  for (let i = 0; i < argmax.length; i++) dx[argmax[i]!] += dyd[i]!;
  return { data: dx, shape: [...cache.inputShape] };
}
