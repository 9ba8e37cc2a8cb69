/**
 * A trainable parameter: values and gradient side by side, as ConvNetJS's
 * `Vol` keeps `w` and `dw`, with the frozen flag travelling with it.
 *
 * @module
 */
import type { FloatArray } from "./tensor.ts";

/** One parameter array of a layer. */
export interface Param {
  /** A name unique within its model, e.g. `0.conv2d.kernel`. */
  name: string;
  /** The values, row-major in `shape`. */
  value: FloatArray;
  /** The gradient of the loss, written by the layer's backward; same length as `value`. */
  grad: FloatArray;
  /** The shape of `value`. */
  shape: readonly number[];
  /** When true, optimizers leave `value` untouched. */
  frozen: boolean;
  /**
   * Set by a fused SGD optimizer: the learning rate of an update
   * `value -= fusedSgdLr * grad` that the layer's backward applies itself, as
   * soon as the gradient is known; `grad` may then be left unwritten.
   */
  fusedSgdLr?: number;
}
