/**
 * The seam between layers and kernels: a {@linkcode Backend} is the set of
 * kernels a run uses, chosen once per run. Layers call their backend's
 * kernels; the TypeScript reference kernels in `lib/kernels` are one backend,
 * the WebAssembly SIMD kernels another.
 *
 * @module
 */
import * as reference from "../kernels/mod.ts";
import type { FloatArray } from "../tensor/mod.ts";

/** The name of a backend, as flags and manifests write it. */
export type BackendName = "ts" | "wasm" | "wasm-fma";

/** A set of kernels with the reference kernels' signatures and meaning. */
export interface Backend {
  /** `ts`, `wasm` or `wasm-fma`. */
  readonly name: BackendName;
  /** One line for a manifest, e.g. `wasm (WebAssembly SIMD, float32)`. */
  readonly description: string;
  /**
   * A zeroed float32 array where this backend's kernels read and write without
   * copying; parameters and their gradients live here for the model's life.
   */
  allocate(length: number): Float32Array;
  /** Marks a new step (or evaluation batch): temporaries of earlier steps may be reused. */
  beginStep(): void;
  /** As {@linkcode reference.conv2dForward}. */
  conv2dForward: typeof reference.conv2dForward;
  /** As {@linkcode reference.conv2dBackward}. */
  conv2dBackward: typeof reference.conv2dBackward;
  /** As {@linkcode reference.denseForward}. */
  denseForward: typeof reference.denseForward;
  /** As {@linkcode reference.denseBackward}. */
  denseBackward: typeof reference.denseBackward;
  /** As {@linkcode reference.maxPool2dForward}. */
  maxPool2dForward: typeof reference.maxPool2dForward;
  /** As {@linkcode reference.maxPool2dBackward}. */
  maxPool2dBackward: typeof reference.maxPool2dBackward;
  /** As {@linkcode reference.reluForward}. */
  reluForward: typeof reference.reluForward;
  /** As {@linkcode reference.reluBackward}. */
  reluBackward: typeof reference.reluBackward;
  /** As {@linkcode reference.sigmoidForward}. */
  sigmoidForward: typeof reference.sigmoidForward;
  /** As {@linkcode reference.sigmoidBackward}. */
  sigmoidBackward: typeof reference.sigmoidBackward;
  /** As {@linkcode reference.sgdUpdate}. */
  sgdUpdate(value: FloatArray, grad: FloatArray, lr: number): void;
}

/**
 * The TypeScript reference kernels as a backend: readable, any element type,
 * and the only float64 path (gradient checks run on it).
 */
export const tsBackend: Backend = {
  name: "ts",
  description: "ts (TypeScript reference kernels)",
  allocate: (length) => new Float32Array(length),
  beginStep: () => {},
  ...reference,
};
