/**
 * Max pooling over NCHW tensors. The forward records where each maximum came
 * from (ConvNetJS's "switches"), so the backward is a scatter.
 *
 * @module
 */
import { assertRank, formatShape, type Tensor, zerosLike } from "../tensor/mod.ts";

/** What {@linkcode maxPool2dBackward} needs from the forward pass. */
export interface MaxPool2dCache {
  /** Shape of the input `x`, `[N, C, H, W]`. */
  inputShape: readonly number[];
  /** For each output element, the flat index in x of the maximum it took. */
  argmax: Int32Array;
  /** Shape of the output `y`, `[N, C, OH, OW]`. */
  outShape: readonly number[];
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
  options: { window: number | readonly [number, number]; stride?: number | readonly [number, number] },
): { y: Tensor; cache: MaxPool2dCache } {
  assertRank(x, 4, "maxPool2dForward x");
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [PH, PW] = typeof options.window === "number" ? [options.window, options.window] : options.window;
  const [SH, SW] = options.stride === undefined
    ? [PH, PW]
    : typeof options.stride === "number"
    ? [options.stride, options.stride]
    : options.stride;
  if (PH > H || PW > W) {
    throw new RangeError(`maxPool2dForward: window ${PH}x${PW} is larger than the input ${formatShape(x.shape)}`);
  }
  const OH = Math.floor((H - PH) / SH) + 1;
  const OW = Math.floor((W - PW) / SW) + 1;
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
  let size = 1;
  for (const d of cache.inputShape) size *= d;
  const dx = zerosLike(dy.data, size);
  const dyd = dy.data, argmax = cache.argmax;
  // "+=" because with a stride smaller than the window one input can win several windows.
  for (let i = 0; i < argmax.length; i++) dx[argmax[i]!] += dyd[i]!;
  return { data: dx, shape: [...cache.inputShape] };
}
