/**
 * Backends: the kernel set a run uses, chosen once per run (`--backend`).
 *
 * @module
 */
import { type Backend, type BackendName, tsBackend } from "./backend.ts";
import { createWasmBackend, wasmKernelsModule } from "./wasm/wasm_backend.ts";

export * from "./backend.ts";
export { createWasmBackend, type WasmBackendOptions, wasmKernelsModule } from "./wasm/wasm_backend.ts";
export { type WasmCpuFeatures, wasmCpuFeatures } from "./wasm/cpu_features.ts";

/** The backend names, default first. */
export const backendNames: readonly BackendName[] = ["wasm", "wasm-fma", "ts"];

/**
 * The backend `name` names. Where WebAssembly SIMD (or, for `wasm-fma`,
 * relaxed SIMD) is missing, it falls back to the next that runs here and
 * `warn` gets one line saying so.
 */
export function createBackend(name: BackendName, options: { warn?: (message: string) => void } = {}): Backend {
  if (name === "ts") return tsBackend;
  if (name === "wasm-fma") {
    if (wasmKernelsModule({ fma: true }) !== null) return createWasmBackend({ fma: true });
    options.warn?.("WebAssembly relaxed SIMD is not available in this runtime: using --backend wasm");
  }
  if (wasmKernelsModule() === null) {
    options.warn?.("WebAssembly SIMD is not available in this runtime: using the TypeScript kernels (--backend ts)");
    return tsBackend;
  }
  return createWasmBackend();
}
