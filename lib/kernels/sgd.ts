/**
 * The SGD update as a kernel, so a backend can run it where the parameters live.
 *
 * @module
 */
import type { FloatArray } from "../tensor/mod.ts";

/** `value -= lr * grad`, element by element. */
export function sgdUpdate(value: FloatArray, grad: FloatArray, lr: number): void {
  for (let i = 0; i < value.length; i++) value[i] -= lr * grad[i]!;
}
