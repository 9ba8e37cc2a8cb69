/**
 * Sigmoid followed by binary log-loss, as one function.
 *
 * @module
 */
import { exactExp, exactLog, exactLog1p, sigmoid } from "../kernels/mod.ts";
import { type Tensor, zerosLike } from "../tensor/mod.ts";
import type { LossResult } from "./softmax_cross_entropy.ts";

/** Where the ablation write-up clips probabilities before the logarithm. */
const LOG_LOSS_CLIP = 1e-16;

/** `log(1 + exp(x))`, without overflow for large `x` or cancellation for small. */
function softplus(x: number): number {
  return x > 0 ? x + exactLog1p(exactExp(-x)) : exactLog1p(exactExp(x));
}

/**
 * Mean binary log-loss of `sigmoid(logits)` against labels 0 and 1.
 *
 * The probability is computed without overflow and clipped to
 * `[1e-16, 1 - 1e-16]` before the logarithm, as the ablation write-up does,
 * so the loss is finite for any logit. Where the clip does not bind, the
 * loss is computed from the logit, `softplus(-z)` for `y = 1` and
 * `softplus(z)` for `y = 0`, which keeps its digits where `-log(1 - p)`
 * loses them (a confident wrong `z = 31.13475` gave 31.13838). The gradient is `(p - y) / N` with
 * the unclipped `p`, as the write-up's backward computes it; where the clip
 * binds (|logit| above about 36.7) this is not the derivative of the clipped
 * loss, which is zero there.
 *
 * @param logits `[N, 1]` (or `[N]`).
 * @param labels N labels, each 0 or 1.
 * @returns the loss, gradient and predictions (1 when p > 0.5).
 */
export function sigmoidLogLoss(logits: Tensor, labels: Int32Array): LossResult {
  const z = logits.data;
  const N = z.length;
  if (labels.length !== N) throw new RangeError(`sigmoidLogLoss: ${labels.length} labels for ${N} logits`);
  const dz = zerosLike(z);
  const predicted = new Int32Array(N);
  const losses = new Float64Array(N);
  let total = 0;
  for (let n = 0; n < N; n++) {
    const y = labels[n]!;
    if (y !== 0 && y !== 1) throw new RangeError(`sigmoidLogLoss: label ${y} of sample ${n} is not 0 or 1`);
    const p = sigmoid(z[n]!);
    const clipped = Math.min(Math.max(p, LOG_LOSS_CLIP), 1 - LOG_LOSS_CLIP);
    const loss = clipped === p
      ? softplus(y === 1 ? -z[n]! : z[n]!)
      : -(y * exactLog(clipped) + (1 - y) * exactLog(1 - clipped));
    losses[n] = loss;
    total += loss;
    predicted[n] = p > 0.5 ? 1 : 0;
    dz[n] = (p - y) / N;
  }
  return { loss: total / N, dlogits: { data: dz, shape: [...logits.shape] }, predicted, losses };
}
