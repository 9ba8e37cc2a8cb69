/**
 * Softmax followed by cross-entropy, as one numerically stable function.
 *
 * @module
 */
import { exactExp, exactLog } from "../kernels/mod.ts";
import { assertRank, type Tensor, zerosLike } from "../tensor/mod.ts";

/** What a loss function returns. */
export interface LossResult {
  /** The mean loss over the batch. */
  loss: number;
  /** The gradient of that mean loss with respect to the logits, shaped like them. */
  dlogits: Tensor;
  /** The predicted class of each sample. */
  predicted: Int32Array;
  /** Each sample's loss (length N), so evaluation can average over a whole set. */
  losses: Float64Array;
}

/** A loss: logits and integer labels in, loss and logit gradient out. */
export type LossFunction = (logits: Tensor, labels: Int32Array) => LossResult;

/**
 * Mean cross-entropy of `softmax(logits)` against integer `labels`.
 *
 * Stable for any logits: each row is shifted by its maximum before `exp`,
 * and the loss is computed as `log(sum exp(z - max)) - (z_y - max)`, which
 * never takes the logarithm of zero. The gradient is `(softmax - onehot) / N`.
 *
 * @param logits `[N, K]`.
 * @param labels N class indices in [0, K).
 * @returns the loss, gradient and predictions.
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";
 * const logits = { data: new Float64Array([0, 0]), shape: [1, 2] };
 * softmaxCrossEntropy(logits, Int32Array.of(1)).loss; // Math.log(2)
 * ```
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Int32Array): LossResult {
  assertRank(logits, 2, "softmaxCrossEntropy logits");
  const [N, K] = logits.shape as [number, number];
  if (labels.length !== N) throw new RangeError(`softmaxCrossEntropy: ${labels.length} labels for ${N} rows of logits`);
  const z = logits.data;
  const dz = zerosLike(z);
  const predicted = new Int32Array(N);
  const losses = new Float64Array(N);
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * K;
    const label = labels[n]!;
    if (!(label >= 0 && label < K)) {
      throw new RangeError(`softmaxCrossEntropy: label ${label} of row ${n} is outside [0, ${K})`);
    }
    let max = -Infinity, argmax = 0;
    for (let k = 0; k < K; k++) {
      if (z[row + k]! > max) {
        max = z[row + k]!;
        argmax = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += exactExp(z[row + k]! - max);
    const logSum = exactLog(sum);
    const loss = logSum - (z[row + label]! - max);
    losses[n] = loss;
    total += loss;
    predicted[n] = argmax;
    for (let k = 0; k < K; k++) dz[row + k] = (exactExp(z[row + k]! - max) / sum - (k === label ? 1 : 0)) / N;
  }
  return { loss: total / N, dlogits: { data: dz, shape: [N, K] }, predicted, losses };
}
