/**
 * The one place the memory layout is written down.
 *
 * A {@linkcode Tensor} is a flat typed array plus a shape. Images and
 * feature maps are NCHW (batch, channel, row, column), row-major: element
 * `[n, c, h, w]` lives at `((n * C + c) * H + h) * W + w`. Dense activations
 * are `[N, features]`.
 *
 * Training runs in float32; gradient checks run the very same kernels in
 * float64. Kernels allocate their outputs with {@linkcode zerosLike} so the
 * element type of the input decides the element type of everything after it.
 *
 * @module
 */

/** The element types the kernels accept: float32 for training, float64 for gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** The name of an element type. */
export type DType = "float32" | "float64";

/** A flat typed array and the shape it is read with (row-major). */
export interface Tensor {
  /** The elements, row-major. */
  readonly data: FloatArray;
  /** The size of each dimension; the product equals `data.length`. */
  readonly shape: readonly number[];
}

/**
 * The number of elements a shape holds.
 *
 * @example
 * ```ts
 * import { sizeOf } from "./tensor.ts";
 * sizeOf([2, 3, 4]); // 24
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** A new zero-filled array of `length` elements, of the same element type as `like`. */
export function zerosLike(like: FloatArray, length: number = like.length): FloatArray {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/** A new zero-filled array of `length` elements of the named element type. */
export function zerosOf(dtype: DType, length: number): FloatArray {
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

/** The element type of an array. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}

/**
 * Wraps `data` as a tensor of `shape`, checking that the sizes agree.
 *
 * @throws {RangeError} when `data.length` is not the product of `shape`.
 */
export function tensor(data: FloatArray, shape: readonly number[]): Tensor {
  const size = sizeOf(shape);
  if (data.length !== size) {
    throw new RangeError(
      `tensor: shape [${shape.join(", ")}] holds ${size} elements, but the data has ${data.length}`,
    );
  }
  return { data, shape: [...shape] };
}

/** A zero tensor of `shape` of the named element type. */
export function zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
  return { data: zerosOf(dtype, sizeOf(shape)), shape: [...shape] };
}

/** A tensor sharing `t`'s data, read with another shape of the same size. */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  return tensor(t.data, shape);
}

/** A copy of `t` in the named element type. */
export function castTo(t: Tensor, dtype: DType): Tensor {
  const data = zerosOf(dtype, t.data.length);
  data.set(t.data);
  return { data, shape: [...t.shape] };
}

/** `[a, b, c]` written as `a x b x c`, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return shape.join("x");
}

/**
 * Throws unless `t` has the given rank; the message names `where`.
 *
 * @throws {RangeError} when the rank differs.
 */
export function assertRank(t: Tensor, rank: number, where: string): void {
  if (t.shape.length !== rank) {
    throw new RangeError(
      `${where}: expected a rank-${rank} tensor, got shape [${t.shape.join(", ")}]`,
    );
  }
}
