/**
 * The `wasm` backend: the kernels of `assembly/kernels.ts`, compiled to
 * WebAssembly with 128-bit SIMD, over one linear memory per backend.
 *
 * Parameters (and the training loop's batch buffer) are allocated at the
 * bottom of the memory and live as long as the backend; every kernel output
 * is a temporary allocated from the top and released by `beginStep()`, so a
 * training step copies nothing. The memory is sized once, up front, and never
 * grows: growing would detach every typed-array view over it. Float64 tensors
 * (gradient checks) and shapes the SIMD kernels do not cover (strided
 * convolutions) go to the reference kernels.
 *
 * @module
 */
import * as reference from "../../kernels/mod.ts";
import { type Conv2dCache, type DenseCache, type MaxPool2dCache, maxPool2dGeometry } from "../../kernels/mod.ts";
import { type FloatArray, sizeOf, type Tensor } from "../../tensor/mod.ts";
import type { Backend } from "../backend.ts";
import { kernelsFmaWasmBase64, kernelsWasmBase64 } from "./kernels_wasm.ts";

type Ptr = number;
/** The exports of the compiled kernels; every pointer is a byte offset. */
interface Kernels {
  padInput(x: Ptr, xp: Ptr, C: number, H: number, W: number, Hp: number, Wp: number, t: number, l: number): void;
  conv2dForward(
    ...args: [Ptr, Ptr, Ptr, number, number, number, number, number, number, number, number, Ptr, Ptr, number]
  ): void;
  initPackPatterns(p: Ptr): void;
  nonZeros(dy: Ptr, F: number, OH: number, OW: number, Wp: number, offsets: Ptr, values: Ptr, starts: Ptr): number;
  convWeightGradient(...args: [Ptr, Ptr, number, number, number, Ptr, Ptr, Ptr, number, Ptr]): void;
  padKernelRows(w: Ptr, padded: Ptr, rows: number, KW: number): void;
  convInputGradientScatter(...args: [Ptr, Ptr, number, number, number, number, Ptr, Ptr, Ptr, number]): void;
  copyRows(src: Ptr, dst: Ptr, count: number, width: number, srcStride: number, dstStride: number): void;
  kernelRowOffsets(rows: Ptr, R: number, RT: number, KH: number, Hp: number, Wp: number): void;
  flipFilters(w: Ptr, out: Ptr, F: number, C: number, KH: number, KW: number): void;
  biasGradient(dy: Ptr, db: Ptr, N: number, F: number, plane: number, perPosition: number): void;
  gemm(a: Ptr, b: Ptr, c: Ptr, bias: Ptr, M: number, K: number, N: number, nz: Ptr): void;
  denseInputGradient(dy: Ptr, w: Ptr, dx: Ptr, N: number, I: number, O: number): void;
  transpose(a: Ptr, out: Ptr, rows: number, cols: number): void;
  maxPoolForward(
    ...args: [Ptr, Ptr, Ptr, number, number, number, number, number, number, number, number, number]
  ): void;
  maxPoolBackward(dy: Ptr, arg: Ptr, dx: Ptr, count: number, size: number): void;
  reluForward(x: Ptr, y: Ptr, n: number): void;
  reluBackward(dy: Ptr, y: Ptr, dx: Ptr, n: number): void;
  sgdUpdate(w: Ptr, g: Ptr, n: number, lr: number): void;
  denseBackwardSgd(x: Ptr, dy: Ptr, w: Ptr, dx: Ptr, I: number, O: number, lr: number, rows: Ptr): void;
}

/** A padded copy of a convolution's input, kept for its backward. */
interface WasmConv2dCache extends Conv2dCache {
  padded: { ptr: Ptr; rows: number; cols: number };
}

const compiled = new Map<boolean, WebAssembly.Module | null>();

/**
 * The compiled kernels (with `fma`, the build whose multiply-adds are relaxed
 * SIMD), or null where this runtime has no WebAssembly SIMD (or relaxed SIMD).
 */
export function wasmKernelsModule(options: { fma?: boolean } = {}): WebAssembly.Module | null {
  const fma = options.fma ?? false;
  if (!compiled.has(fma)) {
    const base64 = fma ? kernelsFmaWasmBase64 : kernelsWasmBase64;
    try {
      compiled.set(fma, new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))));
    } catch {
      compiled.set(fma, null);
    }
  }
  return compiled.get(fma)!;
}

/** Options of {@linkcode createWasmBackend}. */
export interface WasmBackendOptions {
  /** The linear memory's fixed size; default 512 MiB (pages are only touched as used). */
  memoryMiB?: number;
  /**
   * The `wasm-fma` backend: the convolution and gemm multiply-adds as relaxed
   * SIMD, one rounding where the CPU fuses them (x86-64 with FMA3, ARM64),
   * two elsewhere, so results may differ between machines. Default false.
   */
  fma?: boolean;
}

const isF32 = (a: FloatArray): a is Float32Array => a instanceof Float32Array;

/**
 * The row width of a padded convolution input for `outWidth` outputs and a
 * kernel `kernelWidth` wide: the forward reads 28 outputs' windows (and four
 * floats past them) at a time, the backward a kernel row as up to 8 floats; a
 * multiple of 4.
 */
const paddedWidth = (outWidth: number, kernelWidth: number) =>
  Math.ceil(Math.max(Math.ceil(outWidth / 28) * 28 + Math.max(kernelWidth - 1, 4), outWidth + 8) / 4) * 4;

/** A backend's linear memory: parameters and the batch buffer from the bottom, one step's temporaries from the top. */
interface Arena {
  /** The memory's buffer: the memory never grows, so it never changes (and `memory.buffer` costs a call into V8). */
  buffer: ArrayBufferLike;
  /** A float32 view of `length` floats at `ptr`. */
  f32(ptr: Ptr, length: number): Float32Array;
  /** Room for `length` floats, rounded up to whole vectors: a temporary (from the top) or for good (from the bottom). */
  reserve(length: number, fromTop: boolean): Ptr;
  /** Room for a temporary of `length` floats, released by `beginStep()`. */
  temp(length: number): Ptr;
  /** Where `a` is in this memory, copying it in (as a temporary) when it is not. */
  ptrOf(a: FloatArray | Int32Array): Ptr;
  /** A pointer to write `length` floats to, and a function that hands back `into` (or a view) filled. */
  target(into: FloatArray | null | undefined, length: number): { ptr: Ptr; finish(): FloatArray };
  /** Releases every temporary. */
  beginStep(): void;
}

/** The compiled kernels and the memory they work in. */
interface Wasm {
  k: Kernels;
  arena: Arena;
}

/** The arena over `memory` (`memoryMiB` MiB); running out throws a `RangeError` that says what needs less. */
function createArena(memory: WebAssembly.Memory, memoryMiB: number): Arena {
  const buffer = memory.buffer;
  // A guard: vector loads may run past an array's end, by up to 27 floats (a per-position bias at a row's last block).
  const end = buffer.byteLength - 128;
  let bottom = 64; // 0 stands for "none" in the kernels
  let top = end;
  const f32 = (ptr: Ptr, length: number) => new Float32Array(buffer, ptr, length);
  const reserve = (length: number, fromTop: boolean): Ptr => {
    const bytes = Math.ceil(length / 4) * 16;
    if (fromTop) top -= bytes;
    else bottom += bytes;
    if (top < bottom) {
      throw new RangeError(
        `wasm backend: its ${memoryMiB} MiB are used up (a smaller batch, or --backend ts, needs less)`,
      );
    }
    return fromTop ? top : bottom - bytes;
  };
  const temp = (length: number): Ptr => reserve(length, true);
  const ptrOf = (a: FloatArray | Int32Array): Ptr => {
    if (a.buffer === buffer) return a.byteOffset;
    const p = temp(a.length);
    (a instanceof Int32Array ? new Int32Array(buffer, p, a.length) : f32(p, a.length)).set(a);
    return p;
  };
  const target = (into: FloatArray | null | undefined, length: number) => {
    const inside = into != null && isF32(into) && into.buffer === buffer;
    const ptr = inside ? into.byteOffset : temp(length);
    const finish = (): FloatArray => {
      const view = f32(ptr, length);
      if (into == null || inside) return view;
      into.set(view);
      return into;
    };
    return { ptr, finish };
  };
  const beginStep = () => {
    top = end;
  };
  return { buffer, f32, reserve, temp, ptrOf, target, beginStep };
}

/** The convolution's forward: stride 1 with at most kernel - 1 of padding on a side; the rest to the reference. */
function wasmConv2dForward({ k, arena }: Wasm): Backend["conv2dForward"] {
  const { f32, temp, ptrOf } = arena;
  return (x, w, options = {}) => {
    const sizes = reference.conv2dSizes(x, w, options);
    const { stride, padding: pad, outHeight: OH, outWidth: OW, bias } = sizes;
    const [N, C, H, W] = sizes.input, [F, , KH, KW] = sizes.filters;
    // The SIMD kernels cover stride 1 with at most kernel - 1 of padding on a side (valid, same and the like).
    const covered = stride[0] === 1 && stride[1] === 1 && Math.max(pad.top, pad.bottom) < KH &&
      Math.max(pad.left, pad.right) < KW;
    if (!isF32(x.data) || !isF32(w.data) || (bias && !isF32(bias.data)) || !covered) {
      return reference.conv2dForward(x, w, options);
    }
    const rows = OH + KH - 1, cols = paddedWidth(OW, KW);
    const xPtr = ptrOf(x.data), wPtr = ptrOf(w.data);
    const padded = temp(N * C * rows * cols), scratch = temp(28), y = temp(N * F * OH * OW);
    const biasPtr = bias ? ptrOf(bias.data) : 0, perPosition = bias && bias.data.length !== F ? 1 : 0;
    for (let n = 0; n < N; n++) {
      const xp = padded + n * C * rows * cols * 4, yN = y + n * F * OH * OW * 4;
      k.padInput(xPtr + n * C * H * W * 4, xp, C, H, W, rows, cols, pad.top, pad.left);
      k.conv2dForward(xp, wPtr, yN, C, rows, cols, F, KH, KW, OH, OW, scratch, biasPtr, perPosition);
    }
    const cache: WasmConv2dCache = {
      x,
      w,
      biasShape: bias?.shape ?? null,
      stride,
      padding: pad,
      outShape: [N, F, OH, OW],
      padded: { ptr: padded, rows, cols },
    };
    return { y: { data: f32(y, N * F * OH * OW), shape: [N, F, OH, OW] }, cache };
  };
}

/** The convolution's backward, over the padded input its forward kept; the rest to the reference. */
function wasmConv2dBackward({ k, arena }: Wasm): Backend["conv2dBackward"] {
  const { f32, temp, ptrOf, target } = arena;
  /**
   * The input gradient of one stride-1 convolution sample where dy is dense:
   * dy, padded, convolved with the filters turned around (`turned`).
   */
  const denseInputGradient = (dyN: Ptr, dxN: Ptr, cache: WasmConv2dCache, turned: Ptr): void => {
    const { x, w, padding: pad, outShape: [, F, OH, OW] } = cache;
    const [, C, H, W] = x.shape as [number, number, number, number];
    const [, , KH, KW] = w.shape as [number, number, number, number];
    const rows = H + KH - 1, cols = paddedWidth(W, KW);
    const dyPadded = temp(F * rows * cols);
    k.padInput(dyN, dyPadded, F, OH, OW, rows, cols, KH - 1 - pad.top, KW - 1 - pad.left);
    k.conv2dForward(dyPadded, turned, dxN, F, rows, cols, C, KH, KW, H, W, temp(28), 0, 0);
  };

  return (dy, cache, options = {}) => {
    const [, , KH, KW] = cache.w.shape as [number, number, number, number];
    if (!("padded" in cache) || !isF32(dy.data) || KW > 8) return reference.conv2dBackward(dy, cache, options);
    const { x, w, padding: pad, outShape: [N, F, OH, OW], padded: { ptr: xp, rows: Hp, cols: Wp } } =
      cache as WasmConv2dCache;
    const [, C, H, W] = x.shape as [number, number, number, number];
    // Each kernel row (c, kh) as one or two vectors, in tiles of 3 or 4 rows, or 5 or 6 (see convWeightGradient).
    const VR = KW <= 4 ? 1 : 2, width = 4 * VR, plane = OH * OW, R = C * KH;
    const tile = VR === 1 ? (R === 3 ? 3 : 4) : (R % 5 === 0 && R % 6 !== 0 ? 5 : 6), RT = Math.ceil(R / tile) * tile;
    const dyPtr = ptrOf(dy.data), wPtr = ptrOf(w.data), rows = temp(RT);
    k.kernelRowOffsets(rows, R, RT, KH, Hp, Wp);
    const offsets = temp(F * plane + 4), values = temp(F * plane + 4), starts = temp(F + 1);
    const dwPadded = temp(F * RT * width);
    f32(dwPadded, F * RT * width).fill(0);
    const wantDx = options.inputGradient ?? true;
    const dx = wantDx ? temp(N * C * H * W) : 0, dxp = wantDx ? temp(C * Hp * Wp + 8) : 0;
    const wPadded = wantDx ? temp(F * R * 8) : 0;
    if (wantDx) k.padKernelRows(wPtr, wPadded, F * R, KW);
    let turned = 0; // the filters turned around, made when a sample's dy first needs them
    for (let n = 0; n < N; n++) {
      const dyN = dyPtr + n * F * plane * 4, xpN = xp + n * C * Hp * Wp * 4, dxN = dx + n * C * H * W * 4;
      const count = k.nonZeros(dyN, F, OH, OW, Wp, offsets, values, starts);
      k.convWeightGradient(xpN, rows, RT, VR, tile, offsets, values, starts, F, dwPadded);
      if (!wantDx) continue;
      // A scatter pays while dy is mostly zeros; past that the dense form does less work.
      if (count * 3 > F * plane) {
        if (turned === 0) k.flipFilters(wPtr, turned = temp(F * C * KH * KW), F, C, KH, KW);
        denseInputGradient(dyN, dxN, cache as WasmConv2dCache, turned);
        continue;
      }
      f32(dxp, C * Hp * Wp + 8).fill(0);
      k.convInputGradientScatter(dxp, wPadded, C, KH, Hp, Wp, offsets, values, starts, F);
      for (let c = 0; c < C; c++) {
        k.copyRows(dxp + ((c * Hp + pad.top) * Wp + pad.left) * 4, dxN + c * H * W * 4, H, W, Wp, W);
      }
    }
    const dw = target(options.dw, w.data.length);
    for (let f = 0; f < F; f++) {
      k.copyRows(dwPadded + f * RT * width * 4, dw.ptr + f * R * KW * 4, R, KW, width, KW);
    }
    let db: Tensor | null = null;
    if (cache.biasShape !== null) {
      const length = sizeOf(cache.biasShape);
      const out = target(options.db, length);
      k.biasGradient(dyPtr, out.ptr, N, F, plane, length === F ? 0 : 1);
      db = { data: out.finish(), shape: [...cache.biasShape] };
    }
    return {
      dx: wantDx ? { data: f32(dx, N * C * H * W), shape: [...x.shape] } : null,
      dw: { data: dw.finish(), shape: [...w.shape] },
      db,
    };
  };
}

/** The dense layer's forward and backward (with `sgdLr`, the update fused into a batch of one's backward). */
function wasmDense(
  { k, arena }: Wasm,
  sgdUpdate: Backend["sgdUpdate"],
): Pick<Backend, "denseForward" | "denseBackward"> {
  const { buffer, f32, temp, ptrOf, target } = arena;
  return {
    denseForward(x, w, options = {}) {
      const { N, I, O, bias } = reference.denseSizes(x, w, options);
      if (!isF32(x.data) || !isF32(w.data) || (bias && !isF32(bias.data))) return reference.denseForward(x, w, options);
      const y = temp(N * O);
      k.gemm(ptrOf(x.data), ptrOf(w.data), y, bias ? ptrOf(bias.data) : 0, N, I, O, temp(I + 3));
      const cache: DenseCache = { x, w, hasBias: bias !== null };
      return { y: { data: f32(y, N * O), shape: [N, O] }, cache };
    },
    denseBackward(dy, cache, options = {}) {
      const { x, w } = cache;
      if (!isF32(dy.data) || !isF32(x.data) || !isF32(w.data)) return reference.denseBackward(dy, cache, options);
      const [N, I] = x.shape as [number, number];
      const O = w.shape[1]!;
      const dyPtr = ptrOf(dy.data), xPtr = ptrOf(x.data);
      const dx = temp(N * I);
      const lr = options.sgdLr;
      if (lr !== undefined && N === 1 && w.data.buffer === buffer) {
        k.denseBackwardSgd(xPtr, dyPtr, w.data.byteOffset, dx, I, O, lr, temp(2 * (I + 4)));
        let db: Tensor | null = null;
        if (cache.hasBias) {
          const out = target(options.db, O);
          k.biasGradient(dyPtr, out.ptr, 1, 1, O, 1);
          db = { data: out.finish(), shape: [O] };
        }
        // The weight gradient was folded into the update and is not written.
        return { dx: { data: f32(dx, I), shape: [1, I] }, dw: { data: options.dw ?? w.data, shape: [I, O] }, db };
      }
      k.denseInputGradient(dyPtr, ptrOf(w.data), dx, N, I, O);
      // dw = x^T dy; a batch of one needs no transpose: x is already a column.
      let xT = xPtr;
      if (N > 1) k.transpose(xPtr, xT = temp(N * I), N, I);
      const dw = target(options.dw, I * O);
      k.gemm(xT, dyPtr, dw.ptr, 0, I, N, O, temp(N + 3));
      let db: Tensor | null = null;
      if (cache.hasBias) {
        const out = target(options.db, O);
        k.biasGradient(dyPtr, out.ptr, N, 1, O, 1);
        db = { data: out.finish(), shape: [O] };
      }
      if (lr !== undefined) sgdUpdate(w.data, dw.finish(), lr);
      return { dx: { data: f32(dx, N * I), shape: [N, I] }, dw: { data: dw.finish(), shape: [I, O] }, db };
    },
  };
}

/** Max-pooling, ReLU and the SGD update. */
function wasmPoolReluSgd(
  { k, arena }: Wasm,
): Pick<Backend, "maxPool2dForward" | "maxPool2dBackward" | "reluForward" | "reluBackward" | "sgdUpdate"> {
  const { buffer, f32, temp, ptrOf } = arena;
  return {
    maxPool2dForward(x, options) {
      if (!isF32(x.data)) return reference.maxPool2dForward(x, options);
      const [N, C, H, W] = x.shape as [number, number, number, number];
      const { window: [PH, PW], stride: [SH, SW], outHeight: OH, outWidth: OW } = maxPool2dGeometry([H, W], options);
      const count = N * C * OH * OW;
      const y = temp(count), arg = temp(count);
      k.maxPoolForward(ptrOf(x.data), y, arg, N * C, H, W, PH, PW, SH, SW, OH, OW);
      const cache: MaxPool2dCache = {
        inputShape: x.shape,
        argmax: new Int32Array(buffer, arg, count),
        outShape: [N, C, OH, OW],
      };
      return { y: { data: f32(y, count), shape: [N, C, OH, OW] }, cache };
    },
    maxPool2dBackward(dy, cache) {
      if (!isF32(dy.data) || dy.data.length !== cache.argmax.length) return reference.maxPool2dBackward(dy, cache);
      const size = sizeOf(cache.inputShape);
      const dx = temp(size);
      k.maxPoolBackward(ptrOf(dy.data), ptrOf(cache.argmax), dx, cache.argmax.length, size);
      return { data: f32(dx, size), shape: [...cache.inputShape] };
    },
    reluForward(x) {
      if (!isF32(x.data)) return reference.reluForward(x);
      const n = x.data.length, y = temp(n);
      k.reluForward(ptrOf(x.data), y, n);
      return { data: f32(y, n), shape: [...x.shape] };
    },
    reluBackward(dy, y) {
      if (!isF32(dy.data) || !isF32(y.data)) return reference.reluBackward(dy, y);
      const n = dy.data.length, dx = temp(n);
      k.reluBackward(ptrOf(dy.data), ptrOf(y.data), dx, n);
      return { data: f32(dx, n), shape: [...dy.shape] };
    },
    sgdUpdate(value, grad, lr) {
      const inside = isF32(value) && isF32(grad) && value.buffer === buffer && grad.buffer === buffer;
      if (!inside) return reference.sgdUpdate(value, grad, lr);
      k.sgdUpdate(value.byteOffset, grad.byteOffset, value.length, lr);
    },
  };
}

/**
 * A new `wasm` backend with its own memory.
 *
 * @throws {Error} where WebAssembly SIMD is not available (see {@linkcode wasmKernelsModule}).
 */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  const fma = options.fma ?? false, module = wasmKernelsModule({ fma });
  if (module === null) throw new Error(`wasm backend: this runtime has no WebAssembly ${fma ? "relaxed " : ""}SIMD`);
  const memoryMiB = options.memoryMiB ?? 512;
  const memory = new WebAssembly.Memory({ initial: memoryMiB * 16, maximum: memoryMiB * 16 });
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
  const arena = createArena(memory, memoryMiB);
  k.initPackPatterns(arena.reserve(64, false));
  const wasm: Wasm = { k, arena };
  const poolReluSgd = wasmPoolReluSgd(wasm);
  return {
    name: fma ? "wasm-fma" : "wasm",
    description: fma
      ? "wasm-fma (WebAssembly SIMD kernels, float32, multiply-adds fused where the CPU can)"
      : "wasm (WebAssembly SIMD kernels, float32)",
    allocate: (length) => arena.f32(arena.reserve(length, false), length),
    beginStep: arena.beginStep,
    ...reference,
    conv2dForward: wasmConv2dForward(wasm),
    conv2dBackward: wasmConv2dBackward(wasm),
    ...wasmDense(wasm, poolReluSgd.sgdUpdate),
    ...poolReluSgd,
  };
}
