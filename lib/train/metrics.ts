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

/** One class's precision, recall and F1, and its number of true samples. */
export interface ClassMetrics {
  /** Samples of the class. */
  count: number;
  /** Of the samples predicted as the class, the fraction that are; NaN when none are predicted as it. */
  precision: number;
  /** Of the samples of the class, the fraction predicted as it; NaN when there are none. */
  recall: number;
  /** F1 = 2 tp / (2 tp + fp + fn); NaN for a class with no true and no predicted samples. */
  f1: number;
}

/**
 * Precision, recall and F1 of each class of a confusion matrix `matrix[t][p]`.
 *
 * @example
 * ```ts
 * import { perClassMetrics } from "./metrics.ts";
 * perClassMetrics([[1, 1], [0, 2]])[0]; // { count: 2, precision: 1, recall: 0.5, f1: 2/3 }
 * ```
 */
export function perClassMetrics(matrix: number[][]): ClassMetrics[] {
  return matrix.map((row, c) => {
    const tp = row[c]!;
    let predictedAs = 0, actually = 0;
    for (let o = 0; o < matrix.length; o++) {
      predictedAs += matrix[o]![c]!;
      actually += row[o]!;
    }
    return {
      count: actually,
      precision: predictedAs === 0 ? NaN : tp / predictedAs,
      recall: actually === 0 ? NaN : tp / actually,
      f1: predictedAs + actually === 0 ? NaN : (2 * tp) / (predictedAs + actually),
    };
  });
}

/**
 * The unweighted mean over classes of F1 (see {@linkcode perClassMetrics}), as scikit-learn's
 * `f1_score(average="macro")`: a class with no true and no predicted samples scores 0.
 *
 * @example
 * ```ts
 * import { macroF1 } from "./metrics.ts";
 * macroF1([[1, 1], [0, 2]]); // (2/3 + 4/5) / 2
 * ```
 */
export function macroF1(matrix: number[][]): number {
  let sum = 0;
  for (const { f1 } of perClassMetrics(matrix)) sum += Number.isNaN(f1) ? 0 : f1;
  return matrix.length === 0 ? 0 : sum / matrix.length;
}
