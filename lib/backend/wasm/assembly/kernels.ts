// The WebAssembly SIMD kernels of the `wasm` backend, in AssemblyScript.
// Build with `deno task build:wasm`; lib/backend/wasm/kernels_wasm.ts is the output.
//
// Every pointer is a byte offset into linear memory and every tensor is float32,
// NCHW, row-major. The JavaScript side (wasm_backend.ts) rounds every buffer up
// to whole vectors and keeps a 128-byte guard at the top of the memory, so a
// vector load that runs past an array's end reads a neighbour or the guard,
// never outside memory; those lanes are never kept.
// Built twice: plain, where multiply and add stay separate instructions so
// results do not depend on the CPU, and with relaxed SIMD (the wasm-fma
// backend), where `madd` fuses them if the CPU can.

/**
 * c + a * b, rounded twice; in the build with relaxed SIMD enabled (the fma
 * kernels), once wherever the CPU fuses the two. The convolution and gemm
 * kernels use it; dot products and updates stay unfused in both builds, so
 * fused and unfused SGD agree to the bit in both.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Copies `x` [C, H, W] into the padded buffer `xp` [C, Hp, Wp] at (padT, padL); the rest is zero. */
export function padInput(x: usize, xp: usize, C: i32, H: i32, W: i32, Hp: i32, Wp: i32, padT: i32, padL: i32): void {
  memory.fill(xp, 0, <usize>(C * Hp * Wp) << 2);
  // Rows of a few vectors: copied as vectors, a memory.copy call costing more than such a row.
  for (let c = 0; c < C; c++) copyRows(at(x, c * H * W), at(xp, (c * Hp + padT) * Wp + padL), H, W, W, Wp);
}

/**
 * One sample of a stride-1 convolution from the padded input `xp` [C, Hp, Wp]
 * and filters `w` [F, C, KH, KW] into `y` [F, OH, OW], plus `bias` (0 for
 * none): one per filter, or with `perPosition` one per output [F, OH, OW].
 * One filter by 28 outputs of a row (seven vectors) at a time, each output
 * adding its taps in (c, kh, kw) order, then its bias. Needs Wp >= ceil(OW /
 * 28) * 28 + max(KW - 1, 4), a multiple of 4, and `tmp` room for 28 floats.
 * It writes up to 28 floats from the start of each block (later blocks
 * overwrite the excess); blocks within 28 floats of the end go through `tmp`.
 */
export function conv2dForward(
  xp: usize, w: usize, y: usize, C: i32, Hp: i32, Wp: i32, F: i32, KH: i32, KW: i32, OH: i32, OW: i32, tmp: usize,
  bias: usize, perPosition: i32,
): void {
  // Wasm memory accesses cost a bounds check each here (Deno has no trap handler), so a kernel row of
  // up to five taps takes its shifted inputs from two aligned loads by shuffles, its weights from registers.
  // Rows of whole blocks of 28 take two filters at a time: each shifted input serves both (half the shuffles).
  const pairs = OW % 28 == 0 && (KW == 5 || KW == 3) ? F & ~1 : 0;
  if (KW == 5) {
    convPairs(xp, w, y, C, Hp, Wp, pairs, KH, 5, OH, OW, bias, perPosition);
    convRows(xp, w, y, C, Hp, Wp, F, KH, 5, OH, OW, tmp, bias, perPosition, pairs);
  } else if (KW == 3) {
    convPairs(xp, w, y, C, Hp, Wp, pairs, KH, 3, OH, OW, bias, perPosition);
    convRows(xp, w, y, C, Hp, Wp, F, KH, 3, OH, OW, tmp, bias, perPosition, pairs);
  } else convTaps(xp, w, y, C, Hp, Wp, F, KH, KW, OH, OW, tmp, bias, perPosition);
}

/**
 * Filters 0..F - 1 (F even) two at a time, for OW a multiple of 28: each block of 28 outputs of a row as four
 * vectors, then three, of both filters. Every output adds its taps in (c, kh, kw) order, then its bias, as
 * convRows does.
 */
@inline function convPairs(
  xp: usize, w: usize, y: usize, C: i32, Hp: i32, Wp: i32, F: i32, KH: i32, KW: i32, OH: i32, OW: i32,
  bias: usize, perPosition: i32,
): void {
  const filterBytes = <usize>(C * KH * KW) << 2, planeBytes = <usize>(OH * OW) << 2;
  for (let f = 0; f < F; f += 2) {
    const wf = at(w, f * C * KH * KW);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow0 = 0; ow0 < OW; ow0 += 28) {
        const i = (f * OH + oh) * OW + ow0, x = at(xp, oh * Wp + ow0);
        // The two filters' biases: per position, vectors planeBytes apart; per filter, values 4 bytes apart.
        const b = bias == 0 ? 0 : perPosition ? at(bias, i) : at(bias, f);
        const step = perPosition ? planeBytes : 4, next = perPosition ? 64 : 0;
        const yi = at(y, i);
        pairBlock(x, wf, yi, C, Hp, Wp, KH, KW, filterBytes, planeBytes, b, step, perPosition, 4);
        pairBlock(x + 64, wf, yi + 64, C, Hp, Wp, KH, KW, filterBytes, planeBytes, b + next, step, perPosition, 3);
      }
    }
  }
}

/** The tap's shifted inputs of one vector: lanes k..k + 3 of the eight of a and b (k a constant, at most 4). */
@inline function shifted(a: v128, b: v128, k: i32): v128 {
  if (k == 0) return a;
  if (k == 1) return v128.shuffle<f32>(a, b, 1, 2, 3, 4);
  if (k == 2) return v128.shuffle<f32>(a, b, 2, 3, 4, 5);
  if (k == 3) return v128.shuffle<f32>(a, b, 3, 4, 5, 6);
  return b;
}

/**
 * V (3 or 4, a constant) vectors of outputs of two filters from the padded input at `x` (the block's first
 * input of channel 0, kernel row 0): the second filter's weights `filterBytes` after the first's at `w`, its
 * outputs `planeBytes` after the first's at `y`, its bias `step` bytes after the first's at `b` (none when b
 * is 0). Tap by tap, the weights of both filters from memory and each shifted input made once for both.
 */
@inline function pairBlock(
  x: usize, w: usize, y: usize, C: i32, Hp: i32, Wp: i32, KH: i32, KW: i32, filterBytes: usize, planeBytes: usize,
  b: usize, step: usize, perPosition: i32, V: i32,
): void {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  let wp = w, u = a0, v = a0, t = a0;
  for (let c = 0; c < C; c++) {
    let p = x + (<usize>(c * Hp * Wp) << 2);
    for (let kh = 0; kh < KH; kh++, wp += <usize>KW << 2, p += <usize>Wp << 2) {
      const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
      const x4 = V > 3 ? v128.load(p, 64) : x3, wq = wp + filterBytes;
      // Tap 0.
      {
        u = v128.load32_splat(wp, 0);
        v = v128.load32_splat(wq, 0);
        t = shifted(x0, x1, 0); a0 = madd(u, t, a0); b0 = madd(v, t, b0);
        t = shifted(x1, x2, 0); a1 = madd(u, t, a1); b1 = madd(v, t, b1);
        t = shifted(x2, x3, 0); a2 = madd(u, t, a2); b2 = madd(v, t, b2);
        if (V > 3) { t = shifted(x3, x4, 0); a3 = madd(u, t, a3); b3 = madd(v, t, b3); }
      }
      // Tap 1.
      if (KW > 1) {
        u = v128.load32_splat(wp, 4);
        v = v128.load32_splat(wq, 4);
        t = shifted(x0, x1, 1); a0 = madd(u, t, a0); b0 = madd(v, t, b0);
        t = shifted(x1, x2, 1); a1 = madd(u, t, a1); b1 = madd(v, t, b1);
        t = shifted(x2, x3, 1); a2 = madd(u, t, a2); b2 = madd(v, t, b2);
        if (V > 3) { t = shifted(x3, x4, 1); a3 = madd(u, t, a3); b3 = madd(v, t, b3); }
      }
      // Tap 2.
      if (KW > 2) {
        u = v128.load32_splat(wp, 8);
        v = v128.load32_splat(wq, 8);
        t = shifted(x0, x1, 2); a0 = madd(u, t, a0); b0 = madd(v, t, b0);
        t = shifted(x1, x2, 2); a1 = madd(u, t, a1); b1 = madd(v, t, b1);
        t = shifted(x2, x3, 2); a2 = madd(u, t, a2); b2 = madd(v, t, b2);
        if (V > 3) { t = shifted(x3, x4, 2); a3 = madd(u, t, a3); b3 = madd(v, t, b3); }
      }
      // Tap 3.
      if (KW > 3) {
        u = v128.load32_splat(wp, 12);
        v = v128.load32_splat(wq, 12);
        t = shifted(x0, x1, 3); a0 = madd(u, t, a0); b0 = madd(v, t, b0);
        t = shifted(x1, x2, 3); a1 = madd(u, t, a1); b1 = madd(v, t, b1);
        t = shifted(x2, x3, 3); a2 = madd(u, t, a2); b2 = madd(v, t, b2);
        if (V > 3) { t = shifted(x3, x4, 3); a3 = madd(u, t, a3); b3 = madd(v, t, b3); }
      }
      // Tap 4.
      if (KW > 4) {
        u = v128.load32_splat(wp, 16);
        v = v128.load32_splat(wq, 16);
        t = shifted(x0, x1, 4); a0 = madd(u, t, a0); b0 = madd(v, t, b0);
        t = shifted(x1, x2, 4); a1 = madd(u, t, a1); b1 = madd(v, t, b1);
        t = shifted(x2, x3, 4); a2 = madd(u, t, a2); b2 = madd(v, t, b2);
        if (V > 3) { t = shifted(x3, x4, 4); a3 = madd(u, t, a3); b3 = madd(v, t, b3); }
      }
    }
  }
  storePair(y, planeBytes, a0, a1, a2, a3, b0, b1, b2, b3, b, step, perPosition, V);
}

/** pairBlock's V vectors of each filter, plus their biases, stored. */
@inline function storePair(
  y: usize, planeBytes: usize, a0: v128, a1: v128, a2: v128, a3: v128, b0: v128, b1: v128, b2: v128, b3: v128,
  b: usize, step: usize, perPosition: i32, V: i32,
): void {
  if (b != 0) {
    const one = v128.load32_splat(b), two = v128.load32_splat(b + step);
    a0 = f32x4.add(a0, perPosition ? v128.load(b) : one);
    a1 = f32x4.add(a1, perPosition ? v128.load(b, 16) : one);
    a2 = f32x4.add(a2, perPosition ? v128.load(b, 32) : one);
    if (V > 3) a3 = f32x4.add(a3, perPosition ? v128.load(b, 48) : one);
    b0 = f32x4.add(b0, perPosition ? v128.load(b + step) : two);
    b1 = f32x4.add(b1, perPosition ? v128.load(b + step, 16) : two);
    b2 = f32x4.add(b2, perPosition ? v128.load(b + step, 32) : two);
    if (V > 3) b3 = f32x4.add(b3, perPosition ? v128.load(b + step, 48) : two);
  }
  v128.store(y, a0);
  v128.store(y, a1, 16);
  v128.store(y, a2, 32);
  if (V > 3) v128.store(y, a3, 48);
  v128.store(y + planeBytes, b0);
  v128.store(y + planeBytes, b1, 16);
  v128.store(y + planeBytes, b2, 32);
  if (V > 3) v128.store(y + planeBytes, b3, 48);
}

/** acc plus the KW (at most five) taps of one kernel row, the inputs shifted out of x0 and x1. */
@inline function kernelRow(
  acc: v128, x0: v128, x1: v128, w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, KW: i32,
): v128 {
  acc = madd(w0, x0, acc);
  if (KW > 1) acc = madd(w1, v128.shuffle<f32>(x0, x1, 1, 2, 3, 4), acc);
  if (KW > 2) acc = madd(w2, v128.shuffle<f32>(x0, x1, 2, 3, 4, 5), acc);
  if (KW > 3) acc = madd(w3, v128.shuffle<f32>(x0, x1, 3, 4, 5, 6), acc);
  if (KW > 4) acc = madd(w4, x1, acc);
  return acc;
}

/** conv2dForward of filters first..F - 1 for a KW of at most five, known when inlined. */
@inline function convRows(
  xp: usize, w: usize, y: usize, C: i32, Hp: i32, Wp: i32, F: i32, KH: i32, KW: i32, OH: i32, OW: i32, tmp: usize,
  bias: usize, perPosition: i32, first: i32,
): void {
  for (let f = first; f < F; f++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow0 = 0; ow0 < OW; ow0 += 28) {
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        let wp = at(w, f * C * KH * KW);
        for (let c = 0; c < C; c++) {
          let p = at(xp, (c * Hp + oh) * Wp + ow0);
          for (let kh = 0; kh < KH; kh++, wp += <usize>KW << 2, p += <usize>Wp << 2) {
            // The first four taps in one load, spread by shuffles: a load costs more here than a shuffle.
            const taps = v128.load(wp), w0 = v128.shuffle<f32>(taps, taps, 0, 0, 0, 0);
            const w1 = KW > 1 ? v128.shuffle<f32>(taps, taps, 1, 1, 1, 1) : w0;
            const w2 = KW > 2 ? v128.shuffle<f32>(taps, taps, 2, 2, 2, 2) : w0;
            const w3 = KW > 3 ? v128.shuffle<f32>(taps, taps, 3, 3, 3, 3) : w0;
            const w4 = KW > 4 ? v128.load32_splat(wp, 16) : w0;
            let x0 = v128.load(p), x1 = v128.load(p, 16);
            a0 = kernelRow(a0, x0, x1, w0, w1, w2, w3, w4, KW);
            x0 = v128.load(p, 32);
            a1 = kernelRow(a1, x1, x0, w0, w1, w2, w3, w4, KW);
            x1 = v128.load(p, 48);
            a2 = kernelRow(a2, x0, x1, w0, w1, w2, w3, w4, KW);
            x0 = v128.load(p, 64);
            a3 = kernelRow(a3, x1, x0, w0, w1, w2, w3, w4, KW);
            x1 = v128.load(p, 80);
            a4 = kernelRow(a4, x0, x1, w0, w1, w2, w3, w4, KW);
            x0 = v128.load(p, 96);
            a5 = kernelRow(a5, x1, x0, w0, w1, w2, w3, w4, KW);
            x1 = v128.load(p, 112);
            a6 = kernelRow(a6, x0, x1, w0, w1, w2, w3, w4, KW);
          }
        }
        const i = (f * OH + oh) * OW + ow0, count = i + 28 <= F * OH * OW ? 28 : min(28, OW - ow0);
        if (bias == 0) store28(at(y, i), a0, a1, a2, a3, a4, a5, a6, count, tmp);
        else if (perPosition) storeBiased28(at(y, i), a0, a1, a2, a3, a4, a5, a6, count, tmp, at(bias, i), 16);
        else storeBiased28(at(y, i), a0, a1, a2, a3, a4, a5, a6, count, tmp, at(bias, f), 0);
      }
    }
  }
}

/** conv2dForward for any KW: every tap's inputs as seven unaligned loads. */
function convTaps(
  xp: usize, w: usize, y: usize, C: i32, Hp: i32, Wp: i32, F: i32, KH: i32, KW: i32, OH: i32, OW: i32, tmp: usize,
  bias: usize, perPosition: i32,
): void {
  const taps = C * KH * KW;
  for (let f = 0; f < F; f++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow0 = 0; ow0 < OW; ow0 += 28) {
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        let wp = at(w, f * taps);
        for (let c = 0; c < C; c++) {
          for (let kh = 0; kh < KH; kh++) {
            let p = at(xp, (c * Hp + oh + kh) * Wp + ow0);
            for (let kw = 0; kw < KW; kw++, wp += 4, p += 4) {
              const wv = v128.load32_splat(wp);
              a0 = madd(wv, v128.load(p), a0);
              a1 = madd(wv, v128.load(p, 16), a1);
              a2 = madd(wv, v128.load(p, 32), a2);
              a3 = madd(wv, v128.load(p, 48), a3);
              a4 = madd(wv, v128.load(p, 64), a4);
              a5 = madd(wv, v128.load(p, 80), a5);
              a6 = madd(wv, v128.load(p, 96), a6);
            }
          }
        }
        const i = (f * OH + oh) * OW + ow0, count = i + 28 <= F * OH * OW ? 28 : min(28, OW - ow0);
        if (bias == 0) store28(at(y, i), a0, a1, a2, a3, a4, a5, a6, count, tmp);
        else if (perPosition) storeBiased28(at(y, i), a0, a1, a2, a3, a4, a5, a6, count, tmp, at(bias, i), 16);
        else storeBiased28(at(y, i), a0, a1, a2, a3, a4, a5, a6, count, tmp, at(bias, f), 0);
      }
    }
  }
}

/** Stores the first `count` of 28 values (seven vectors) at `y`, through `tmp` when fewer. */
@inline function store28(
  y: usize, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, count: i32, tmp: usize,
): void {
  const to = count >= 28 ? y : tmp;
  v128.store(to, a0);
  v128.store(to, a1, 16);
  v128.store(to, a2, 32);
  v128.store(to, a3, 48);
  v128.store(to, a4, 64);
  v128.store(to, a5, 80);
  v128.store(to, a6, 96);
  if (count < 28) memory.copy(y, tmp, <usize>count << 2);
}

/**
 * store28 of the values plus a bias: seven vectors from `b` (`step` 16), or
 * its first value in every lane (`step` 0). Reading past the bias's end is harmless:
 * those lanes are not kept.
 */
@inline function storeBiased28(
  y: usize, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, count: i32, tmp: usize,
  b: usize, step: usize,
): void {
  const one = v128.load32_splat(b);
  a0 = f32x4.add(a0, step ? v128.load(b) : one);
  a1 = f32x4.add(a1, step ? v128.load(b, 16) : one);
  a2 = f32x4.add(a2, step ? v128.load(b, 32) : one);
  a3 = f32x4.add(a3, step ? v128.load(b, 48) : one);
  a4 = f32x4.add(a4, step ? v128.load(b, 64) : one);
  a5 = f32x4.add(a5, step ? v128.load(b, 80) : one);
  a6 = f32x4.add(a6, step ? v128.load(b, 96) : one);
  store28(y, a0, a1, a2, a3, a4, a5, a6, count, tmp);
}

/** y += x over n elements. */
function addInto(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), v128.load(at(x, i))));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) + load<f32>(at(x, i)));
}

/** Where initPackPatterns put the 16 swizzle patterns that nonZeros packs four lanes with. */
let packPatterns: usize = 0;

/**
 * Writes at `p` (256 bytes) one i8x16.swizzle pattern per 4-bit mask: the
 * lanes whose bit is set, moved to the front in order; the rest zero.
 */
export function initPackPatterns(p: usize): void {
  memory.fill(p, 0x80, 256); // an out-of-range index makes swizzle give 0
  for (let m = 0; m < 16; m++) {
    for (let lane = 0, k = 0; lane < 4; lane++) {
      if (!((m >> lane) & 1)) continue;
      for (let b = 0; b < 4; b++) store<u8>(p + <usize>(m * 16 + k * 4 + b), <u8>(lane * 4 + b));
      k++;
    }
  }
  packPatterns = p;
}

/**
 * Lists the non-zero entries of one sample's `dy` [F, OH, OW], filter by
 * filter: `offsets` (int32) gets each entry's position oh * Wp + ow in a padded
 * [Hp, Wp] plane, `values` its value, and `starts` [F + 1] (int32) where each
 * filter's entries begin. After max-pooling and ReLU most of dy is zero, and a
 * zero carries no gradient. Four entries at a time, branch-free: the non-zeros
 * are swizzled to the front and four lanes are stored, the count moving past
 * the non-zeros only (so `offsets` and `values` need three spare entries).
 * Needs initPackPatterns. Returns the count.
 */
export function nonZeros(dy: usize, F: i32, OH: i32, OW: i32, Wp: i32, offsets: usize, values: usize, starts: usize): i32 {
  const iota = i32x4(0, 1, 2, 3), four = i32x4.splat(4), eight = i32x4.splat(8);
  let count = 0;
  for (let f = 0; f < F; f++) {
    store<i32>(at(starts, f), count);
    for (let oh = 0; oh < OH; oh++) {
      const row = at(dy, (f * OH + oh) * OW);
      // The four entries' positions, moved along by four a group; two groups a turn of the loop.
      let position = i32x4.add(i32x4.splat(oh * Wp), iota), ow = 0;
      for (; ow + 8 <= OW; ow += 8) {
        count = packFour(v128.load(at(row, ow)), position, offsets, values, count);
        count = packFour(v128.load(at(row, ow + 4)), i32x4.add(position, four), offsets, values, count);
        position = i32x4.add(position, eight);
      }
      if (ow + 4 <= OW) {
        count = packFour(v128.load(at(row, ow)), position, offsets, values, count);
        ow += 4;
      }
      for (; ow < OW; ow++) {
        const g = load<f32>(at(row, ow));
        store<i32>(at(offsets, count), oh * Wp + ow);
        store<f32>(at(values, count), g);
        count += i32(g != 0);
      }
    }
  }
  store<i32>(at(starts, F), count);
  return count;
}

/** Appends the non-zero lanes of `g`, and of `position` the same lanes, at `count`; returns the new count. */
@inline function packFour(g: v128, position: v128, offsets: usize, values: usize, count: i32): i32 {
  const mask = i32x4.bitmask(f32x4.ne(g, f32x4.splat(0)));
  const pattern = v128.load(packPatterns + (<usize>mask << 4));
  v128.store(at(values, count), i8x16.swizzle(g, pattern));
  v128.store(at(offsets, count), i8x16.swizzle(position, pattern));
  return count + popcnt(mask);
}

/**
 * Adds one sample's weight gradient into `dwPad` [F, RT, 4 * VR]: every kernel
 * row (c, kh) as VR vectors (1 or 2), zero-padded; RT rows, a whole number of
 * tiles of T rows (T * VR at most 12). For each filter, a tile of kernel rows
 * stays in registers while its non-zero dy entries add g times the input
 * window. `rows` [RT] (int32) holds each kernel row's offset (c * Hp + kh) *
 * Wp in the padded input `xp`. Tiles of 3, 4 (one vector) and 5, 6 (two) rows.
 */
export function convWeightGradient(
  xp: usize, rows: usize, RT: i32, VR: i32, T: i32, offsets: usize, values: usize, starts: usize, F: i32, dwPad: usize,
): void {
  for (let f = 0; f < F; f++) {
    const first = load<i32>(at(starts, f)), end = load<i32>(at(starts, f + 1));
    for (let r = 0; r < RT; r += T) {
      const out = at(dwPad, (f * RT + r) * 4 * VR), tile = at(rows, r);
      if (VR == 1 && T == 3) weightGradientTile(xp, tile, offsets, values, first, end, out, 1, 3);
      else if (VR == 1) weightGradientTile(xp, tile, offsets, values, first, end, out, 1, 4);
      else if (T == 5) weightGradientTile(xp, tile, offsets, values, first, end, out, 2, 5);
      else weightGradientTile(xp, tile, offsets, values, first, end, out, 2, 6);
    }
  }
}

/** T kernel rows of VR vectors each (both known when inlined), T * VR accumulators. */
@inline function weightGradientTile(
  xp: usize, rows: usize, offsets: usize, values: usize, first: i32, end: i32, out: usize, VR: i32, T: i32,
): void {
  const x0 = T > 0 ? at(xp, load<i32>(rows, 0)) : 0;
  const x1 = T > 1 ? at(xp, load<i32>(rows, 4)) : 0;
  const x2 = T > 2 ? at(xp, load<i32>(rows, 8)) : 0;
  const x3 = T > 3 ? at(xp, load<i32>(rows, 12)) : 0;
  const x4 = T > 4 ? at(xp, load<i32>(rows, 16)) : 0;
  const x5 = T > 5 ? at(xp, load<i32>(rows, 20)) : 0;
  const zero = f32x4.splat(0);
  let a0 = zero, b0 = zero;
  let a1 = zero, b1 = zero;
  let a2 = zero, b2 = zero;
  let a3 = zero, b3 = zero;
  let a4 = zero, b4 = zero;
  let a5 = zero, b5 = zero;
  for (let j = first; j < end; j++) {
    const p = <usize>load<i32>(at(offsets, j)) << 2;
    const g = v128.load32_splat(at(values, j));
    if (T > 0) a0 = madd(g, v128.load(x0 + p), a0);
    if (T > 0 && VR > 1) b0 = madd(g, v128.load(x0 + p, 16), b0);
    if (T > 1) a1 = madd(g, v128.load(x1 + p), a1);
    if (T > 1 && VR > 1) b1 = madd(g, v128.load(x1 + p, 16), b1);
    if (T > 2) a2 = madd(g, v128.load(x2 + p), a2);
    if (T > 2 && VR > 1) b2 = madd(g, v128.load(x2 + p, 16), b2);
    if (T > 3) a3 = madd(g, v128.load(x3 + p), a3);
    if (T > 3 && VR > 1) b3 = madd(g, v128.load(x3 + p, 16), b3);
    if (T > 4) a4 = madd(g, v128.load(x4 + p), a4);
    if (T > 4 && VR > 1) b4 = madd(g, v128.load(x4 + p, 16), b4);
    if (T > 5) a5 = madd(g, v128.load(x5 + p), a5);
    if (T > 5 && VR > 1) b5 = madd(g, v128.load(x5 + p, 16), b5);
  }
  if (T > 0) addVectors(out + 0 * 16 * VR, a0, b0, VR);
  if (T > 1) addVectors(out + 1 * 16 * VR, a1, b1, VR);
  if (T > 2) addVectors(out + 2 * 16 * VR, a2, b2, VR);
  if (T > 3) addVectors(out + 3 * 16 * VR, a3, b3, VR);
  if (T > 4) addVectors(out + 4 * 16 * VR, a4, b4, VR);
  if (T > 5) addVectors(out + 5 * 16 * VR, a5, b5, VR);
}

/** Adds a (and b when VR is 2) to the VR vectors at `out`. */
@inline function addVectors(out: usize, a: v128, b: v128, VR: i32): void {
  v128.store(out, f32x4.add(v128.load(out), a));
  if (VR > 1) v128.store(out, f32x4.add(v128.load(out, 16), b), 16);
}

/** The kernel rows [rows, KW] (KW at most 8) as `padded` [rows, 8], zeros after each row's KW taps. */
export function padKernelRows(w: usize, padded: usize, rows: i32, KW: i32): void {
  const lane = i32x4(0, 1, 2, 3), kw = i32x4.splat(KW);
  const maskA = i32x4.lt_s(lane, kw), maskB = i32x4.lt_s(i32x4.add(lane, i32x4.splat(4)), kw);
  for (let row = 0; row < rows; row++) {
    // Reading past the row is harmless: those lanes are masked off.
    v128.store(padded + <usize>(row * 32), v128.and(v128.load(at(w, row * KW)), maskA));
    v128.store(padded + <usize>(row * 32), v128.and(v128.load(at(w, row * KW), 16), maskB), 16);
  }
}

/**
 * Adds one sample's input gradient into the padded `dxp` [C, Hp, Wp] by
 * scattering g times each filter over the window of each non-zero dy entry,
 * from `padded` [F, C, KH, 8] (see padKernelRows). For each filter and input
 * channel, up to five kernel rows stay in registers while every entry adds
 * into its window: each dx element still gets its terms in the order of
 * (filter, entry).
 */
export function convInputGradientScatter(
  dxp: usize, padded: usize, C: i32, KH: i32, Hp: i32, Wp: i32, offsets: usize, values: usize, starts: usize, F: i32,
): void {
  const rowBytes = <usize>Wp << 2;
  for (let f = 0; f < F; f++) {
    const first = load<i32>(at(starts, f)), end = load<i32>(at(starts, f + 1));
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < KH; kh += 5) {
        const w = padded + (<usize>((f * C + c) * KH + kh) << 5), rows = min(5, KH - kh);
        const zero = f32x4.splat(0);
        const a0 = v128.load(w), b0 = v128.load(w, 16);
        const a1 = rows > 1 ? v128.load(w, 32) : zero, b1 = rows > 1 ? v128.load(w, 48) : zero;
        const a2 = rows > 2 ? v128.load(w, 64) : zero, b2 = rows > 2 ? v128.load(w, 80) : zero;
        const a3 = rows > 3 ? v128.load(w, 96) : zero, b3 = rows > 3 ? v128.load(w, 112) : zero;
        const a4 = rows > 4 ? v128.load(w, 128) : zero, b4 = rows > 4 ? v128.load(w, 144) : zero;
        const plane = at(dxp, (c * Hp + kh) * Wp);
        for (let j = first; j < end; j++) {
          const g = v128.load32_splat(at(values, j));
          let d = at(plane, load<i32>(at(offsets, j)));
          addScaled(d, g, a0, b0);
          if (rows > 1) addScaled(d += rowBytes, g, a1, b1);
          if (rows > 2) addScaled(d += rowBytes, g, a2, b2);
          if (rows > 3) addScaled(d += rowBytes, g, a3, b3);
          if (rows > 4) addScaled(d += rowBytes, g, a4, b4);
        }
      }
    }
  }
}

/** Eight floats at `d` plus g times (a, b). */
@inline function addScaled(d: usize, g: v128, a: v128, b: v128): void {
  v128.store(d, madd(g, a, v128.load(d)));
  v128.store(d, madd(g, b, v128.load(d, 16)), 16);
}

/** Copies `count` rows of `width` floats from `src` (rows `srcStride` apart) to `dst` (rows `dstStride` apart). */
export function copyRows(src: usize, dst: usize, count: i32, width: i32, srcStride: i32, dstStride: i32): void {
  for (let r = 0; r < count; r++) {
    const s = at(src, r * srcStride), d = at(dst, r * dstStride);
    let i = 0;
    for (; i + 4 <= width; i += 4) v128.store(at(d, i), v128.load(at(s, i)));
    for (; i < width; i++) store<f32>(at(d, i), load<f32>(at(s, i)));
  }
}

/** The offset (c * Hp + kh) * Wp in a padded input of every kernel row r = c * KH + kh < R, then the last one's up to RT. */
export function kernelRowOffsets(rows: usize, R: i32, RT: i32, KH: i32, Hp: i32, Wp: i32): void {
  for (let r = 0; r < RT; r++) {
    const row = min(r, R - 1);
    store<i32>(at(rows, r), ((row / KH) * Hp + row % KH) * Wp);
  }
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Filters [F, C, KH, KW] turned for the input gradient: [C, F, KH, KW], each
 * kernel rotated by 180 degrees. The input gradient of a stride-1 convolution
 * is then the forward convolution of the suitably padded dy with these.
 */
export function flipFilters(w: usize, out: usize, F: i32, C: i32, KH: i32, KW: i32): void {
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          const v = load<f32>(at(w, ((f * C + c) * KH + kh) * KW + kw));
          store<f32>(at(out, ((c * F + f) * KH + KH - 1 - kh) * KW + KW - 1 - kw), v);
        }
      }
    }
  }
}

/** Sums `dy` [N, F, plane] into a per-channel `db` [F] or a per-position `db` [F, plane]; overwrites db. */
export function biasGradient(dy: usize, db: usize, N: i32, F: i32, plane: i32, perPosition: i32): void {
  if (perPosition) {
    // 0 + dy, then the other samples added: what adding every sample into zeros gives, in one pass fewer.
    const zero = f32x4.splat(0), size = F * plane;
    let i = 0;
    for (; i + 4 <= size; i += 4) v128.store(at(db, i), f32x4.add(zero, v128.load(at(dy, i))));
    for (; i < size; i++) store<f32>(at(db, i), 0 + load<f32>(at(dy, i)));
    for (let n = 1; n < N; n++) addInto(db, at(dy, n * size), size);
    return;
  }
  memory.fill(db, 0, <usize>F << 2);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const row = at(dy, (n * F + f) * plane);
      let s = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= plane; i += 4) s = f32x4.add(s, v128.load(at(row, i)));
      let sum = hsum(s);
      for (; i < plane; i++) sum += load<f32>(at(row, i));
      store<f32>(at(db, f), load<f32>(at(db, f)) + sum);
    }
  }
}

/**
 * C [M, Nc] = bias + A [M, K] B [K, Nc] (bias [Nc] or 0 for none). Each row of A
 * is first compacted to its non-zero entries (ReLU outputs are about half
 * zeros); then up to twelve vectors of a row of C at a time stay in
 * registers, each lane adding its products in the order of k. `nz` holds K + 3 int32.
 */
export function gemm(a: usize, b: usize, c: usize, bias: usize, M: i32, K: i32, Nc: i32, nz: usize): void {
  if (Nc == 1) {
    gemmColumn(a, b, c, bias, M, K);
    return;
  }
  for (let m = 0; m < M; m++) {
    const arow = at(a, m * K), crow = at(c, m * Nc), count = compactIndices(arow, K, nz, false);
    let o = 0;
    for (; o + 48 <= Nc; o += 48) gemmPass(arow, b, crow, bias, nz, count, Nc, o, 12);
    // The rest in one pass of exactly as many vectors as it needs.
    switch ((Nc - o + 3) >> 2) {
      case 1: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 1); break;
      case 2: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 2); break;
      case 3: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 3); break;
      case 4: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 4); break;
      case 5: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 5); break;
      case 6: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 6); break;
      case 7: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 7); break;
      case 8: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 8); break;
      case 9: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 9); break;
      case 10: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 10); break;
      case 11: gemmPass(arow, b, crow, bias, nz, count, Nc, o, 11); break;
    }
  }
}

/**
 * The indices of the non-zero floats of `row` [K] into `out`, four at a time
 * as nonZeros does (or with `zeros`, known when inlined, of the zeros); returns
 * their count. `out` needs three spare entries.
 */
@inline function compactIndices(row: usize, K: i32, out: usize, zeros: bool): i32 {
  const zero = f32x4.splat(0), four = i32x4.splat(4);
  let count = 0, k = 0, position = i32x4(0, 1, 2, 3);
  for (; k + 4 <= K; k += 4, position = i32x4.add(position, four)) {
    const v = v128.load(at(row, k));
    const mask = i32x4.bitmask(zeros ? f32x4.eq(v, zero) : f32x4.ne(v, zero));
    const pattern = v128.load(packPatterns + (<usize>mask << 4));
    v128.store(at(out, count), i8x16.swizzle(position, pattern));
    count += popcnt(mask);
  }
  for (; k < K; k++) {
    store<i32>(at(out, count), k);
    count += i32((load<f32>(at(row, k)) == 0) == zeros);
  }
  return count;
}

/** Columns o .. o + 4V - 1 (those below Nc) of one row of C, V (at most 12, known when inlined) vectors in registers. */
@inline function gemmPass(
  arow: usize, b: usize, crow: usize, bias: usize, nz: usize, count: i32, Nc: i32, o: i32, V: i32,
): void {
  const zero = f32x4.splat(0), bp = at(bias, o);
  let c0 = bias != 0 && V > 0 ? v128.load(bp, 0) : zero;
  let c1 = bias != 0 && V > 1 ? v128.load(bp, 16) : zero;
  let c2 = bias != 0 && V > 2 ? v128.load(bp, 32) : zero;
  let c3 = bias != 0 && V > 3 ? v128.load(bp, 48) : zero;
  let c4 = bias != 0 && V > 4 ? v128.load(bp, 64) : zero;
  let c5 = bias != 0 && V > 5 ? v128.load(bp, 80) : zero;
  let c6 = bias != 0 && V > 6 ? v128.load(bp, 96) : zero;
  let c7 = bias != 0 && V > 7 ? v128.load(bp, 112) : zero;
  let c8 = bias != 0 && V > 8 ? v128.load(bp, 128) : zero;
  let c9 = bias != 0 && V > 9 ? v128.load(bp, 144) : zero;
  let c10 = bias != 0 && V > 10 ? v128.load(bp, 160) : zero;
  let c11 = bias != 0 && V > 11 ? v128.load(bp, 176) : zero;
  for (let j = 0; j < count; j++) {
    const k = load<i32>(at(nz, j));
    const s = v128.load32_splat(at(arow, k)), p = at(b, k * Nc + o);
    if (V > 0) c0 = madd(s, v128.load(p, 0), c0);
    if (V > 1) c1 = madd(s, v128.load(p, 16), c1);
    if (V > 2) c2 = madd(s, v128.load(p, 32), c2);
    if (V > 3) c3 = madd(s, v128.load(p, 48), c3);
    if (V > 4) c4 = madd(s, v128.load(p, 64), c4);
    if (V > 5) c5 = madd(s, v128.load(p, 80), c5);
    if (V > 6) c6 = madd(s, v128.load(p, 96), c6);
    if (V > 7) c7 = madd(s, v128.load(p, 112), c7);
    if (V > 8) c8 = madd(s, v128.load(p, 128), c8);
    if (V > 9) c9 = madd(s, v128.load(p, 144), c9);
    if (V > 10) c10 = madd(s, v128.load(p, 160), c10);
    if (V > 11) c11 = madd(s, v128.load(p, 176), c11);
  }
  const out = at(crow, o), left = Nc - o;
  if (V > 0) storeLanes(out + 0, c0, left - 0);
  if (V > 1) storeLanes(out + 16, c1, left - 4);
  if (V > 2) storeLanes(out + 32, c2, left - 8);
  if (V > 3) storeLanes(out + 48, c3, left - 12);
  if (V > 4) storeLanes(out + 64, c4, left - 16);
  if (V > 5) storeLanes(out + 80, c5, left - 20);
  if (V > 6) storeLanes(out + 96, c6, left - 24);
  if (V > 7) storeLanes(out + 112, c7, left - 28);
  if (V > 8) storeLanes(out + 128, c8, left - 32);
  if (V > 9) storeLanes(out + 144, c9, left - 36);
  if (V > 10) storeLanes(out + 160, c10, left - 40);
  if (V > 11) storeLanes(out + 176, c11, left - 44);
}

/**
 * gemm for one output column: a plain sum per row, in the order of k. Adding
 * the zero products gives the same sum as skipping them (for finite b), and
 * costs less than finding them.
 */
function gemmColumn(a: usize, b: usize, c: usize, bias: usize, M: i32, K: i32): void {
  for (let m = 0; m < M; m++) {
    let sum: f32 = bias != 0 ? load<f32>(bias) : 0;
    const row = at(a, m * K);
    for (let k = 0; k < K; k++) sum += load<f32>(at(row, k)) * load<f32>(at(b, k));
    store<f32>(at(c, m), sum);
  }
}

/** Stores the first min(count, 4) lanes of `v` at `p`. */
@inline function storeLanes(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** The dot product of n floats at `a` and `b`: four lanes at a time, then the rest. */
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) s = f32x4.add(s, f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  let sum = hsum(s);
  for (; i < n; i++) sum += load<f32>(at(a, i)) * load<f32>(at(b, i));
  return sum;
}

/** dx [N, I] = dy [N, O] w^T, with w [I, O]: one dot product per element. */
export function denseInputGradient(dy: usize, w: usize, dx: usize, N: i32, I: i32, O: i32): void {
  for (let n = 0; n < N; n++) {
    const g = at(dy, n * O);
    for (let i = 0; i < I; i++) store<f32>(at(dx, n * I + i), dot(g, at(w, i * O), O));
  }
}

/** out [cols, rows] = the transpose of a [rows, cols]. */
export function transpose(a: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(at(out, c * rows + r), load<f32>(at(a, r * cols + c)));
  }
}

/**
 * Max pooling without padding over `x` [NC, H, W] into `y` [NC, OH, OW]; `arg`
 * (int32) gets the flat index in x of each maximum, the first on ties: a
 * strict ">" on the floats, as in the reference.
 */
export function maxPoolForward(
  x: usize, y: usize, arg: usize, NC: i32, H: i32, W: i32, PH: i32, PW: i32, SH: i32, SW: i32, OH: i32, OW: i32,
): void {
  if (PH == 2 && PW == 2 && SH == 2 && SW == 2) {
    maxPool2x2(x, y, arg, NC, H, W, OH, OW);
    return;
  }
  let out = 0;
  for (let nc = 0; nc < NC; nc++) {
    const base = nc * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = base + oh * SH * W + ow * SW;
        let bestValue = load<f32>(at(x, best));
        for (let ph = 0; ph < PH; ph++) {
          const row = base + (oh * SH + ph) * W + ow * SW;
          for (let pw = 0; pw < PW; pw++) {
            const v = load<f32>(at(x, row + pw));
            if (v > bestValue) {
              best = row + pw;
              bestValue = v;
            }
          }
        }
        store<f32>(at(y, out), bestValue);
        store<i32>(at(arg, out), best);
        out++;
      }
    }
  }
}

/**
 * The common 2x2 window with stride 2: four outputs at a time, the windows'
 * four corners de-interleaved into vectors and compared as floats with ">" in
 * the same order as the general loop (so the first maximum wins ties, as in
 * the reference). A row's last group may run past its end: those lanes are
 * the next row's first outputs, written again there. Only the tensor's very
 * last partial group goes one window at a time.
 */
function maxPool2x2(x: usize, y: usize, arg: usize, NC: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const lanes = i32x4(0, 2, 4, 6), one = i32x4.splat(1), down = i32x4.splat(W), diagonal = i32x4.splat(W + 1);
  const total = NC * OH * OW;
  for (let nc = 0; nc < NC; nc++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = nc * H * W + 2 * oh * W, rowOut = (nc * OH + oh) * OW;
      let ow = 0;
      for (; ow < OW && rowOut + ow + 4 <= total; ow += 4) {
        const i = top + 2 * ow, p = at(x, i), q = at(x, i + W);
        const t0 = v128.load(p), t1 = v128.load(p, 16), b0 = v128.load(q), b1 = v128.load(q, 16);
        let best = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6), offset = i32x4.splat(0);
        let v = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7), better = f32x4.gt(v, best);
        best = v128.bitselect(v, best, better);
        offset = v128.bitselect(one, offset, better);
        v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        better = f32x4.gt(v, best);
        best = v128.bitselect(v, best, better);
        offset = v128.bitselect(down, offset, better);
        v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        better = f32x4.gt(v, best);
        best = v128.bitselect(v, best, better);
        offset = v128.bitselect(diagonal, offset, better);
        v128.store(at(y, rowOut + ow), best);
        v128.store(at(arg, rowOut + ow), i32x4.add(i32x4.add(i32x4.splat(i), lanes), offset));
      }
      for (; ow < OW; ow++) {
        const i = top + 2 * ow;
        let best = i, bestValue = load<f32>(at(x, i));
        for (let k = 1; k < 4; k++) {
          const j = i + (k >> 1) * W + (k & 1), v = load<f32>(at(x, j));
          if (v > bestValue) {
            best = j;
            bestValue = v;
          }
        }
        store<f32>(at(y, rowOut + ow), bestValue);
        store<i32>(at(arg, rowOut + ow), best);
      }
    }
  }
}

/**
 * Rows i .. i + 3 of denseBackwardSgdPairs10 when their four inputs are all
 * non-zero (no lane keeps its weight): the four dot products summed side by
 * side, their partial vectors transposed so that each row's lanes still add
 * in dot's order. Returns false, doing nothing, when an input is zero.
 */
@inline function fourRows10(
  x: usize, w: usize, dx: usize, i: i32, e0: v128, e1: v128, e2: v128, e3: v128, e4: v128, ls: v128,
): bool {
  const xs = v128.load(at(x, i));
  if (!i32x4.all_true(f32x4.ne(xs, f32x4.splat(0)))) return false;
  const zero = f32x4.splat(0), wr = at(w, i * 10);
  const a = v128.shuffle<f32>(xs, xs, 0, 0, 0, 0), b = v128.shuffle<f32>(xs, xs, 1, 1, 1, 1);
  const c = v128.shuffle<f32>(xs, xs, 2, 2, 2, 2), d = v128.shuffle<f32>(xs, xs, 3, 3, 3, 3);
  const ab = v128.shuffle<f32>(xs, xs, 0, 0, 1, 1), cd = v128.shuffle<f32>(xs, xs, 2, 2, 3, 3);
  const w0 = v128.load(wr), w1 = v128.load(wr, 16), w2 = v128.load(wr, 32), w3 = v128.load(wr, 48);
  const w4 = v128.load(wr, 64), w5 = v128.load(wr, 80), w6 = v128.load(wr, 96), w7 = v128.load(wr, 112);
  const w8 = v128.load(wr, 128), w9 = v128.load(wr, 144);
  const p0 = f32x4.mul(e0, w0), p1 = f32x4.mul(e1, w1), p2 = f32x4.mul(e2, w2), p3 = f32x4.mul(e3, w3);
  const p4 = f32x4.mul(e4, w4), p5 = f32x4.mul(e0, w5), p6 = f32x4.mul(e1, w6), p7 = f32x4.mul(e2, w7);
  const p8 = f32x4.mul(e3, w8), p9 = f32x4.mul(e4, w9);
  // Each row's products 0..7 as two vectors added to zero, as dot() does.
  const sa = f32x4.add(f32x4.add(zero, p0), p1);
  const sb = f32x4.add(f32x4.add(zero, v128.shuffle<f32>(p2, p3, 2, 3, 4, 5)), v128.shuffle<f32>(p3, p4, 2, 3, 4, 5));
  const sc = f32x4.add(f32x4.add(zero, p5), p6);
  const sd = f32x4.add(f32x4.add(zero, v128.shuffle<f32>(p7, p8, 2, 3, 4, 5)), v128.shuffle<f32>(p8, p9, 2, 3, 4, 5));
  // Transposed, lane k of column k holds each row's lane k: ((l0 + l1) + l2) + l3 as hsum adds them.
  const t0 = v128.shuffle<f32>(sa, sb, 0, 4, 1, 5), t1 = v128.shuffle<f32>(sc, sd, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(sa, sb, 2, 6, 3, 7), t3 = v128.shuffle<f32>(sc, sd, 2, 6, 3, 7);
  let sum = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  sum = f32x4.add(f32x4.add(sum, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5)), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
  // Then products 8 and 9 of each row, in that order.
  const u = v128.shuffle<f32>(p2, p4, 0, 1, 6, 7), v = v128.shuffle<f32>(p7, p9, 0, 1, 6, 7);
  sum = f32x4.add(f32x4.add(sum, v128.shuffle<f32>(u, v, 0, 2, 4, 6)), v128.shuffle<f32>(u, v, 1, 3, 5, 7));
  v128.store(at(dx, i), sum);
  v128.store(wr, f32x4.sub(w0, f32x4.mul(ls, f32x4.mul(a, e0))));
  v128.store(wr, f32x4.sub(w1, f32x4.mul(ls, f32x4.mul(a, e1))), 16);
  v128.store(wr, f32x4.sub(w2, f32x4.mul(ls, f32x4.mul(ab, e2))), 32);
  v128.store(wr, f32x4.sub(w3, f32x4.mul(ls, f32x4.mul(b, e3))), 48);
  v128.store(wr, f32x4.sub(w4, f32x4.mul(ls, f32x4.mul(b, e4))), 64);
  v128.store(wr, f32x4.sub(w5, f32x4.mul(ls, f32x4.mul(c, e0))), 80);
  v128.store(wr, f32x4.sub(w6, f32x4.mul(ls, f32x4.mul(c, e1))), 96);
  v128.store(wr, f32x4.sub(w7, f32x4.mul(ls, f32x4.mul(cd, e2))), 112);
  v128.store(wr, f32x4.sub(w8, f32x4.mul(ls, f32x4.mul(d, e3))), 128);
  v128.store(wr, f32x4.sub(w9, f32x4.mul(ls, f32x4.mul(d, e4))), 144);
  return true;
}

/** dx (length size, zeroed here) gets each dy routed to its maximum's position. */
export function maxPoolBackward(dy: usize, arg: usize, dx: usize, count: i32, size: i32): void {
  memory.fill(dx, 0, <usize>size << 2);
  for (let i = 0; i < count; i++) {
    const p = at(dx, load<i32>(at(arg, i)));
    store<f32>(p, load<f32>(p) + load<f32>(at(dy, i)));
  }
}

/** y = x < 0 ? 0 : x (a NaN passes through, as in the reference). */
export function reluForward(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(x, i));
    v128.store(at(y, i), v128.bitselect(zero, v, f32x4.lt(v, zero)));
  }
  for (; i < n; i++) {
    const v = load<f32>(at(x, i));
    store<f32>(at(y, i), v < 0 ? 0 : v);
  }
}

/** dx = y > 0 ? dy : 0. */
export function reluBackward(dy: usize, y: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(dx, i), v128.and(v128.load(at(dy, i)), f32x4.gt(v128.load(at(y, i)), zero)));
  }
  for (; i < n; i++) store<f32>(at(dx, i), load<f32>(at(y, i)) > 0 ? load<f32>(at(dy, i)) : 0);
}

/** w -= lr * g over n elements. */
export function sgdUpdate(w: usize, g: usize, n: i32, lr: f32): void {
  const l = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(w, i), f32x4.sub(v128.load(at(w, i)), f32x4.mul(l, v128.load(at(g, i)))));
  }
  for (; i < n; i++) store<f32>(at(w, i), load<f32>(at(w, i)) - lr * load<f32>(at(g, i)));
}

/**
 * The backward of a dense layer for one sample with its SGD weight update
 * fused in: dx = w dy from the weights as they were, then w -= lr * (x dy^T),
 * row by row, skipping rows whose input is zero. One pass over w from memory
 * instead of three (dx, dw, the update), with the same arithmetic.
 */
export function denseBackwardSgd(x: usize, dy: usize, w: usize, dx: usize, I: i32, O: i32, lr: f32, rows: usize): void {
  if (O != 1 && O != 10) {
    denseBackwardSgdRows(x, dy, w, dx, I, O, lr, rows);
    return;
  }
  const first = O == 1 ? denseBackwardSgdColumn(x, dy, w, dx, I, lr) : denseBackwardSgdPairs10(x, dy, w, dx, I, lr);
  for (let i = first; i < I; i++) oneRow(x, dy, w, dx, i, O, lr);
}

/** Row i of denseBackwardSgd: its dx, and its update unless its input is zero. */
@inline function oneRow(x: usize, dy: usize, w: usize, dx: usize, i: i32, O: i32, lr: f32): void {
  const ls = f32x4.splat(lr), wr = at(w, i * O);
  store<f32>(at(dx, i), dot(dy, wr, O));
  const xi = load<f32>(at(x, i));
  if (xi == 0) return;
  const xs = f32x4.splat(xi);
  let o = 0;
  for (; o + 4 <= O; o += 4) {
    v128.store(at(wr, o), f32x4.sub(v128.load(at(wr, o)), f32x4.mul(ls, f32x4.mul(xs, v128.load(at(dy, o))))));
  }
  for (; o < O; o++) store<f32>(at(wr, o), load<f32>(at(wr, o)) - lr * (xi * load<f32>(at(dy, o))));
}

/**
 * denseBackwardSgd for one output: dx = dy w and the update, four rows a
 * vector; the same arithmetic as the row-at-a-time loop, so bit-identical.
 * Returns the rows done (I rounded down to a multiple of 4).
 */
function denseBackwardSgdColumn(x: usize, dy: usize, w: usize, dx: usize, I: i32, lr: f32): i32 {
  const g = v128.load32_splat(dy), ls = f32x4.splat(lr), zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= I; i += 4) {
    const wv = v128.load(at(w, i)), xv = v128.load(at(x, i));
    // 0 + g w as `dot` gives it: adding the zero turns a -0 into +0.
    v128.store(at(dx, i), f32x4.add(zero, f32x4.mul(g, wv)));
    v128.store(at(w, i), v128.bitselect(wv, f32x4.sub(wv, f32x4.mul(ls, f32x4.mul(xv, g))), f32x4.eq(xv, zero)));
  }
  return i;
}

/**
 * denseBackwardSgd for any O: the rows whose input is non-zero four at a
 * time, each weight vector loaded once for its dot product and its update and
 * dy once for all four; then the rows whose input is zero, which need their
 * dot product only, four at a time too. The four dot products are
 * independent chains (one alone waits on every add). Same products in the
 * same order as `dot` and the row-at-a-time update, so bit-identical. `rows`
 * holds 2 * (I + 4) int32.
 */
function denseBackwardSgdRows(x: usize, dy: usize, w: usize, dx: usize, I: i32, O: i32, lr: f32, rows: usize): void {
  const live = rows, dead = at(rows, I + 4);
  const nLive = compactIndices(x, I, live, false), nDead = compactIndices(x, I, dead, true);
  let j = 0;
  for (; j + 4 <= nLive; j += 4) fourRows(x, dy, w, dx, at(live, j), O, lr, true);
  for (; j < nLive; j++) oneRow(x, dy, w, dx, load<i32>(at(live, j)), O, lr);
  for (j = 0; j + 4 <= nDead; j += 4) fourRows(x, dy, w, dx, at(dead, j), O, lr, false);
  for (; j < nDead; j++) oneRow(x, dy, w, dx, load<i32>(at(dead, j)), O, lr);
}

/**
 * The four rows listed at `which` (int32) of denseBackwardSgdRows: their dx,
 * and with `update` (known when inlined; their inputs all non-zero) their update.
 */
@inline function fourRows(x: usize, dy: usize, w: usize, dx: usize, which: usize, O: i32, lr: f32, update: bool): void {
  const ls = f32x4.splat(lr), vectors = O & ~3;
  const ra = load<i32>(which), rb = load<i32>(which, 4), rc = load<i32>(which, 8), rd = load<i32>(which, 12);
  const wa = at(w, ra * O), wb = at(w, rb * O), wc = at(w, rc * O), wd = at(w, rd * O);
  const xa = load<f32>(at(x, ra)), xb = load<f32>(at(x, rb)), xc = load<f32>(at(x, rc)), xd = load<f32>(at(x, rd));
  const a = f32x4.splat(xa), b = f32x4.splat(xb), c = f32x4.splat(xc), d = f32x4.splat(xd);
  let da = f32x4.splat(0), db = da, dc = da, dd = da;
  for (let o = 0; o < vectors; o += 4) {
    const g = v128.load(at(dy, o));
    let v = v128.load(at(wa, o));
    da = f32x4.add(da, f32x4.mul(g, v));
    if (update) v128.store(at(wa, o), f32x4.sub(v, f32x4.mul(ls, f32x4.mul(a, g))));
    v = v128.load(at(wb, o));
    db = f32x4.add(db, f32x4.mul(g, v));
    if (update) v128.store(at(wb, o), f32x4.sub(v, f32x4.mul(ls, f32x4.mul(b, g))));
    v = v128.load(at(wc, o));
    dc = f32x4.add(dc, f32x4.mul(g, v));
    if (update) v128.store(at(wc, o), f32x4.sub(v, f32x4.mul(ls, f32x4.mul(c, g))));
    v = v128.load(at(wd, o));
    dd = f32x4.add(dd, f32x4.mul(g, v));
    if (update) v128.store(at(wd, o), f32x4.sub(v, f32x4.mul(ls, f32x4.mul(d, g))));
  }
  store<f32>(at(dx, ra), rowTail(hsum(da), xa, dy, wa, vectors, O, lr));
  store<f32>(at(dx, rb), rowTail(hsum(db), xb, dy, wb, vectors, O, lr));
  store<f32>(at(dx, rc), rowTail(hsum(dc), xc, dy, wc, vectors, O, lr));
  store<f32>(at(dx, rd), rowTail(hsum(dd), xd, dy, wd, vectors, O, lr));
}

/** A row's scalar tail, outputs from .. O - 1: `sum` plus their products (in order), and their update. */
@inline function rowTail(sum: f32, xi: f32, dy: usize, wr: usize, from: i32, O: i32, lr: f32): f32 {
  for (let o = from; o < O; o++) {
    const g = load<f32>(at(dy, o)), v = load<f32>(at(wr, o));
    sum += g * v;
    if (xi != 0) store<f32>(at(wr, o), v - lr * (xi * g));
  }
  return sum;
}
/**
 * denseBackwardSgd for ten outputs (a 10-class output layer), two weight rows
 * (twenty floats, five vectors) at a time instead of one row of two vectors and
 * two scalars. Every sum adds the same products in the same order as `dot` and
 * the row-at-a-time update, so the results are bit-identical; rows whose input
 * is zero keep their weights, as there. Returns the rows done (I rounded down
 * to even).
 */
function denseBackwardSgdPairs10(x: usize, dy: usize, w: usize, dx: usize, I: i32, lr: f32): i32 {
  const ls = f32x4.splat(lr), zero = f32x4.splat(0);
  // dy laid along a pair of rows: dy0..3, dy4..7, dy8 dy9 dy0 dy1, dy2..5, dy6..9.
  const e0 = v128.load(dy), e1 = v128.load(dy, 16), e3 = v128.load(dy, 8), e4 = v128.load(dy, 24);
  const e2 = v128.shuffle<f32>(v128.load(dy, 32), e0, 0, 1, 4, 5);
  let i = 0;
  for (; i + 2 <= I; i += 2) {
    if (i + 4 <= I && fourRows10(x, w, dx, i, e0, e1, e2, e3, e4, ls)) {
      i += 2;
      continue;
    }
    const wr = at(w, i * 10);
    const w0 = v128.load(wr), w1 = v128.load(wr, 16), w2 = v128.load(wr, 32), w3 = v128.load(wr, 48);
    const w4 = v128.load(wr, 64);
    const p0 = f32x4.mul(e0, w0), p1 = f32x4.mul(e1, w1), p2 = f32x4.mul(e2, w2);
    const p3 = f32x4.mul(e3, w3), p4 = f32x4.mul(e4, w4);
    // Row i: products 0..3 and 4..7 in vectors, then 8 and 9, as dot() adds them.
    let sum = hsum(f32x4.add(f32x4.add(zero, p0), p1));
    sum += f32x4.extract_lane(p2, 0);
    sum += f32x4.extract_lane(p2, 1);
    store<f32>(at(dx, i), sum);
    // Row i + 1: its products 0..3 and 4..7 gathered from p2, p3, p4, then 8 and 9.
    const q0 = v128.shuffle<f32>(p2, p3, 2, 3, 4, 5), q1 = v128.shuffle<f32>(p3, p4, 2, 3, 4, 5);
    sum = hsum(f32x4.add(f32x4.add(zero, q0), q1));
    sum += f32x4.extract_lane(p4, 2);
    sum += f32x4.extract_lane(p4, 3);
    store<f32>(at(dx, i + 1), sum);
    const xi = load<f32>(at(x, i)), xj = load<f32>(at(x, i + 1));
    if (xi == 0 && xj == 0) continue;
    const a = f32x4.splat(xi), b = f32x4.splat(xj), ab = v128.shuffle<f32>(a, b, 0, 1, 4, 5);
    // Lanes of a row whose input is zero keep their weights (all ones in `keep` there).
    const ka = i32x4.splat(xi == 0 ? -1 : 0), kb = i32x4.splat(xj == 0 ? -1 : 0);
    const kab = v128.shuffle<f32>(ka, kb, 0, 1, 4, 5);
    v128.store(wr, v128.bitselect(w0, f32x4.sub(w0, f32x4.mul(ls, f32x4.mul(a, e0))), ka));
    v128.store(wr, v128.bitselect(w1, f32x4.sub(w1, f32x4.mul(ls, f32x4.mul(a, e1))), ka), 16);
    v128.store(wr, v128.bitselect(w2, f32x4.sub(w2, f32x4.mul(ls, f32x4.mul(ab, e2))), kab), 32);
    v128.store(wr, v128.bitselect(w3, f32x4.sub(w3, f32x4.mul(ls, f32x4.mul(b, e3))), kb), 48);
    v128.store(wr, v128.bitselect(w4, f32x4.sub(w4, f32x4.mul(ls, f32x4.mul(b, e4))), kb), 64);
  }
  return i;
}
