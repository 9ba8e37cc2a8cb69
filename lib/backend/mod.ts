/**
 * Backends: the kernel set a run uses, chosen once per run (`--backend`).
 *
 * @module
 */
import { type Backend, type BackendName, tsBackend } from "./backend.ts";
import { createWasmBackend, wasmKernelsModule } from "./wasm/wasm_backend.ts";

export * from "./backend.ts";
export { createWasmBackend, type WasmBackendOptions, wasmKernelsModule } from "./wasm/wasm_backend.ts";

/** The backend names, default first. */
export const backendNames: readonly BackendName[] = ["wasm", "ts"];

/**
 * The backend `name` names. Where WebAssembly SIMD is missing, `wasm` falls
 * back to `ts` and `warn` gets one line saying so.
 */
export function createBackend(name: BackendName, options: { warn?: (message: string) => void } = {}): Backend {
  if (name === "ts") return tsBackend;
  if (wasmKernelsModule() === null) {
    options.warn?.("WebAssembly SIMD is not available in this runtime: using the TypeScript kernels (--backend ts)");
    return tsBackend;
  }
  return createWasmBackend();
}
