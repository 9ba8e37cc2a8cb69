/**
 * Classification metrics from predictions and labels.
 *
 * @module
 */

/**
 * The confusion matrix: `matrix[t][p]` counts samples of true class `t` predicted as `p`.
 *
 * @param predicted predicted classes.
 * @param labels true classes, same length.
 * @param options `classes`, the number of classes.
 */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { classes: number },
): number[][] {
  if (predicted.length !== labels.length) {
    throw new RangeError(`confusionMatrix: ${predicted.length} predictions for ${labels.length} labels`);
  }
  const matrix = Array.from({ length: options.classes }, () => new Array<number>(options.classes).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]!]![predicted[i]!]!++;
  return matrix;
}

/** The fraction of samples on the diagonal of a confusion matrix. */
export function accuracyOf(matrix: number[][]): number {
  let correct = 0, total = 0;
  matrix.forEach((row, t) =>
    row.forEach((count, p) => {
      total += count;
      if (t === p) correct += count;
    })
  );
  return total === 0 ? 0 : correct / total;
}

/**
 * The unweighted mean over classes of F1 = 2 precision recall / (precision + recall),
 * as scikit-learn's `f1_score(average="macro")`: a class with no true and no
 * predicted samples scores 0.
 *
 * @example
 * ```ts
 * import { macroF1 } from "./metrics.ts";
 * macroF1([[1, 1], [0, 2]]); // (2/3 + 4/5) / 2
 * ```
 */
export function macroF1(matrix: number[][]): number {
  const k = matrix.length;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    let predictedAs = 0, actually = 0;
    for (let o = 0; o < k; o++) {
      predictedAs += matrix[o]![c]!;
      actually += matrix[c]![o]!;
    }
    // F1 = 2 tp / (2 tp + fp + fn), which is 0 when the denominator is.
    const denominator = predictedAs + actually;
    sum += denominator === 0 ? 0 : (2 * tp) / denominator;
  }
  return k === 0 ? 0 : sum / k;
}
