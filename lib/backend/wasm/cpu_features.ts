/**
 * What the CPU offers the WebAssembly backends, found out without any permission: a few-byte module that
 * asks V8 for one relaxed multiply-add, which V8 fuses (one rounding) exactly where the CPU has FMA.
 *
 * @module
 */
import { wasmKernelsModule } from "./wasm_backend.ts";

/** `madd(a, b, c)`: `f32x4.relaxed_madd` of three splatted floats, lane 0 (hand-assembled: 56 bytes). */
const MADD_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7d, 0x7d, 0x7d, 0x01, 0x7d], // type: (f32, f32, f32) -> f32
  ...[0x03, 0x02, 0x01, 0x00], // one function of that type
  ...[0x07, 0x08, 0x01, 0x04, 0x6d, 0x61, 0x64, 0x64, 0x00, 0x00], // exported as "madd"
  ...[0x0a, 0x16, 0x01, 0x14, 0x00], // its body, no locals:
  ...[0x20, 0x00, 0xfd, 0x13, 0x20, 0x01, 0xfd, 0x13, 0x20, 0x02, 0xfd, 0x13], // f32x4.splat of each argument
  ...[0xfd, 0x85, 0x02, 0xfd, 0x1f, 0x00, 0x0b], // f32x4.relaxed_madd, f32x4.extract_lane 0, end
]);

/** The WebAssembly features of this runtime and CPU that the `wasm` and `wasm-fma` backends depend on. */
export interface WasmCpuFeatures {
  /** 128-bit SIMD (the `wasm` backend). */
  simd: boolean;
  /** Relaxed SIMD (the `wasm-fma` backend). */
  relaxedSimd: boolean;
  /** Relaxed multiply-adds round once (fused), as on a CPU with FMA: `wasm-fma` then differs from `wasm`. */
  fusedMultiplyAdd: boolean;
}

/** `f32x4.relaxed_madd(a, b, c)` in lane 0, as V8 compiles it here; null without relaxed SIMD. */
export function relaxedMultiplyAdd(): ((a: number, b: number, c: number) => number) | null {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(MADD_MODULE)).exports.madd as (
      a: number,
      b: number,
      c: number,
    ) => number;
  } catch {
    return null; // no relaxed SIMD in this runtime
  }
}

let cached: WasmCpuFeatures | null = null;

/** Probes {@linkcode WasmCpuFeatures} once per process. */
export function wasmCpuFeatures(): WasmCpuFeatures {
  if (cached) return cached;
  const madd = relaxedMultiplyAdd();
  // (1 + 2^-12)^2 - (1 + 2^-11) is 2^-24 exactly; rounding the product to float32 first leaves 0.
  const a = 1 + 2 ** -12;
  cached = {
    simd: wasmKernelsModule() !== null,
    relaxedSimd: wasmKernelsModule({ fma: true }) !== null,
    fusedMultiplyAdd: madd !== null && madd(a, a, -(1 + 2 ** -11)) !== 0,
  };
  return cached;
}
