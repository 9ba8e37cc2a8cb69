// The WebAssembly SIMD kernels of the `wasm` backend, in AssemblyScript.
// Build with `deno task build:wasm`; lib/backend/wasm/kernels_wasm.ts is the output.
//
// Every pointer is a byte offset into linear memory and every tensor is float32,
// NCHW, row-major. The JavaScript side (wasm_backend.ts) gives every buffer 16
// bytes of slack at its end, so a vector load that runs past a row's last
// element reads slack, never outside memory; those lanes are never stored.
// Multiply and add stay separate instructions (no relaxed FMA) so results do
// not depend on the CPU.

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Copies `x` [C, H, W] into the padded buffer `xp` [C, Hp, Wp] at (padT, padL); the rest is zero. */
export function padInput(x: usize, xp: usize, C: i32, H: i32, W: i32, Hp: i32, Wp: i32, padT: i32, padL: i32): void {
  memory.fill(xp, 0, <usize>(C * Hp * Wp) << 2);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) {
      memory.copy(at(xp, (c * Hp + h + padT) * Wp + padL), at(x, (c * H + h) * W), <usize>W << 2);
    }
  }
}

/** Filters [F, C, KH, KW] regrouped as pairs [ceil(F/2), C, KH, KW, 2], a missing second filter as zeros. */
export function pairFilters(w: usize, wt: usize, F: i32, taps: i32): void {
  for (let f = 0; f < F; f++) {
    const pair = at(wt, (f >> 1) * taps * 2 + (f & 1));
    for (let t = 0; t < taps; t++) store<f32>(pair + (<usize>t << 3), load<f32>(at(w, f * taps + t)));
  }
  if (F & 1) {
    const pair = at(wt, (F >> 1) * taps * 2 + 1);
    for (let t = 0; t < taps; t++) store<f32>(pair + (<usize>t << 3), 0);
  }
}

/** Stores the first `count` of 16 values (four vectors) at `y`; `tmp` holds 16 floats. */
@inline function store16(y: usize, a0: v128, a1: v128, a2: v128, a3: v128, count: i32, tmp: usize): void {
  if (count >= 16) {
    v128.store(y, a0);
    v128.store(y + 16, a1);
    v128.store(y + 32, a2);
    v128.store(y + 48, a3);
  } else {
    v128.store(tmp, a0);
    v128.store(tmp + 16, a1);
    v128.store(tmp + 32, a2);
    v128.store(tmp + 48, a3);
    memory.copy(y, tmp, <usize>count << 2);
  }
}

/**
 * One sample of a stride-1 convolution from the padded input `xp` [C, Hp, Wp] and
 * paired filters `wt` into `y` [F, OH, OW]; no bias. Two filters by 16 outputs of
 * a row at a time: eight accumulators, vectorised along the row. Needs
 * Wp >= ceil(OW / 16) * 16 + KW - 1.
 */
export function conv2dForward(
  xp: usize, wt: usize, y: usize, C: i32, Hp: i32, Wp: i32, F: i32, KH: i32, KW: i32, OH: i32, OW: i32, tmp: usize,
): void {
  const taps = C * KH * KW;
  for (let f0 = 0; f0 < F; f0 += 2) {
    const pair = at(wt, f0 * taps);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow0 = 0; ow0 < OW; ow0 += 16) {
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        let wp = pair;
        for (let c = 0; c < C; c++) {
          for (let kh = 0; kh < KH; kh++) {
            let p = at(xp, (c * Hp + oh + kh) * Wp + ow0);
            for (let kw = 0; kw < KW; kw++) {
              const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
              const w0 = v128.load32_splat(wp), w1 = v128.load32_splat(wp, 4);
              a0 = f32x4.add(a0, f32x4.mul(w0, x0));
              a1 = f32x4.add(a1, f32x4.mul(w0, x1));
              a2 = f32x4.add(a2, f32x4.mul(w0, x2));
              a3 = f32x4.add(a3, f32x4.mul(w0, x3));
              b0 = f32x4.add(b0, f32x4.mul(w1, x0));
              b1 = f32x4.add(b1, f32x4.mul(w1, x1));
              b2 = f32x4.add(b2, f32x4.mul(w1, x2));
              b3 = f32x4.add(b3, f32x4.mul(w1, x3));
              p += 4;
              wp += 8;
            }
          }
        }
        const count = min(16, OW - ow0);
        store16(at(y, (f0 * OH + oh) * OW + ow0), a0, a1, a2, a3, count, tmp);
        if (f0 + 1 < F) store16(at(y, ((f0 + 1) * OH + oh) * OW + ow0), b0, b1, b2, b3, count, tmp);
      }
    }
  }
}

/** Adds a bias to `y` [N, F, plane]: one per channel (`perPosition` 0) or one per output position (1). */
export function addBias(y: usize, b: usize, N: i32, F: i32, plane: i32, perPosition: i32): void {
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const row = at(y, (n * F + f) * plane);
      if (perPosition) {
        addInto(row, at(b, f * plane), plane);
      } else {
        const v = load<f32>(at(b, f));
        const vs = f32x4.splat(v);
        let i = 0;
        for (; i + 4 <= plane; i += 4) v128.store(at(row, i), f32x4.add(v128.load(at(row, i)), vs));
        for (; i < plane; i++) store<f32>(at(row, i), load<f32>(at(row, i)) + v);
      }
    }
  }
}

/** y += x over n elements. */
export function addInto(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), v128.load(at(x, i))));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) + load<f32>(at(x, i)));
}

/**
 * Adds one sample's weight gradient of a stride-1 convolution into `dw`
 * [F, C, KH, KW]: for each filter row, the correlation of `dyp` [F, OH, OWr]
 * (dy with rows zero-padded to OWr, a multiple of 4) with the padded input
 * `xp` [C, Hp, Wp], vectorised along the row, four taps at a time.
 */
export function conv2dWeightGradient(
  dyp: usize, xp: usize, dw: usize, C: i32, Hp: i32, Wp: i32, F: i32, KH: i32, KW: i32, OH: i32, OWr: i32,
): void {
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw0 = 0; kw0 < KW; kw0 += 4) {
          let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
          for (let oh = 0; oh < OH; oh++) {
            const d = at(dyp, (f * OH + oh) * OWr);
            const x = at(xp, (c * Hp + oh + kh) * Wp + kw0);
            for (let o = 0; o < OWr; o += 4) {
              const g = v128.load(at(d, o));
              const p = at(x, o);
              a0 = f32x4.add(a0, f32x4.mul(g, v128.load(p)));
              a1 = f32x4.add(a1, f32x4.mul(g, v128.load(p, 4)));
              a2 = f32x4.add(a2, f32x4.mul(g, v128.load(p, 8)));
              a3 = f32x4.add(a3, f32x4.mul(g, v128.load(p, 12)));
            }
          }
          const tap = at(dw, ((f * C + c) * KH + kh) * KW + kw0);
          const left = KW - kw0;
          store<f32>(tap, load<f32>(tap) + hsum(a0));
          if (left > 1) store<f32>(tap, load<f32>(tap, 4) + hsum(a1), 4);
          if (left > 2) store<f32>(tap, load<f32>(tap, 8) + hsum(a2), 8);
          if (left > 3) store<f32>(tap, load<f32>(tap, 12) + hsum(a3), 12);
        }
      }
    }
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
  memory.fill(db, 0, <usize>(perPosition ? F * plane : F) << 2);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const row = at(dy, (n * F + f) * plane);
      if (perPosition) {
        addInto(at(db, f * plane), row, plane);
      } else {
        let s = f32x4.splat(0);
        let i = 0;
        for (; i + 4 <= plane; i += 4) s = f32x4.add(s, v128.load(at(row, i)));
        let sum = hsum(s);
        for (; i < plane; i++) sum += load<f32>(at(row, i));
        store<f32>(at(db, f), load<f32>(at(db, f)) + sum);
      }
    }
  }
}

/**
 * C [M, Nc] = bias + A [M, K] B [K, Nc] (bias [Nc] or 0 for none). Each row of A
 * is first compacted to its non-zero entries (ReLU outputs are about half
 * zeros); then eight vectors of a row of C at a time stay in registers.
 * `nz` holds K int32.
 */
export function gemm(a: usize, b: usize, c: usize, bias: usize, M: i32, K: i32, Nc: i32, nz: usize): void {
  for (let m = 0; m < M; m++) {
    let count = 0;
    for (let k = 0; k < K; k++) {
      if (load<f32>(at(a, m * K + k)) != 0) store<i32>(at(nz, count++), k);
    }
    const crow = at(c, m * Nc), arow = at(a, m * K);
    let o = 0;
    for (; o + 32 <= Nc; o += 32) {
      let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
      if (bias != 0) {
        const bp = at(bias, o);
        c0 = v128.load(bp);
        c1 = v128.load(bp, 16);
        c2 = v128.load(bp, 32);
        c3 = v128.load(bp, 48);
        c4 = v128.load(bp, 64);
        c5 = v128.load(bp, 80);
        c6 = v128.load(bp, 96);
        c7 = v128.load(bp, 112);
      }
      for (let j = 0; j < count; j++) {
        const k = load<i32>(at(nz, j));
        const s = v128.load32_splat(at(arow, k));
        const bp = at(b, k * Nc + o);
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(bp, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(bp, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(bp, 48)));
        c4 = f32x4.add(c4, f32x4.mul(s, v128.load(bp, 64)));
        c5 = f32x4.add(c5, f32x4.mul(s, v128.load(bp, 80)));
        c6 = f32x4.add(c6, f32x4.mul(s, v128.load(bp, 96)));
        c7 = f32x4.add(c7, f32x4.mul(s, v128.load(bp, 112)));
      }
      const cp = crow + (<usize>o << 2);
      v128.store(cp, c0);
      v128.store(cp, c1, 16);
      v128.store(cp, c2, 32);
      v128.store(cp, c3, 48);
      v128.store(cp, c4, 64);
      v128.store(cp, c5, 80);
      v128.store(cp, c6, 96);
      v128.store(cp, c7, 112);
    }
    for (; o < Nc; o += 4) {
      let acc = bias != 0 ? v128.load(at(bias, o)) : f32x4.splat(0);
      for (let j = 0; j < count; j++) {
        const k = load<i32>(at(nz, j));
        acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(at(arow, k)), v128.load(at(b, k * Nc + o))));
      }
      const cp = at(crow, o);
      const left = Nc - o;
      if (left >= 4) {
        v128.store(cp, acc);
      } else {
        store<f32>(cp, f32x4.extract_lane(acc, 0));
        if (left > 1) store<f32>(cp, f32x4.extract_lane(acc, 1), 4);
        if (left > 2) store<f32>(cp, f32x4.extract_lane(acc, 2), 8);
      }
    }
  }
}

/** dx [N, I] = dy [N, O] w^T, with w [I, O]: one dot product per element. */
export function denseInputGradient(dy: usize, w: usize, dx: usize, N: i32, I: i32, O: i32): void {
  for (let n = 0; n < N; n++) {
    const g = at(dy, n * O);
    for (let i = 0; i < I; i++) {
      const wr = at(w, i * O);
      let s = f32x4.splat(0);
      let o = 0;
      for (; o + 4 <= O; o += 4) s = f32x4.add(s, f32x4.mul(v128.load(at(g, o)), v128.load(at(wr, o))));
      let sum = hsum(s);
      for (; o < O; o++) sum += load<f32>(at(g, o)) * load<f32>(at(wr, o));
      store<f32>(at(dx, n * I + i), sum);
    }
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
 * (int32) gets the flat index in x of each maximum, the first on ties.
 */
export function maxPoolForward(
  x: usize, y: usize, arg: usize, NC: i32, H: i32, W: i32, PH: i32, PW: i32, SH: i32, SW: i32, OH: i32, OW: i32,
): void {
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
            const better = v > bestValue;
            bestValue = select<f32>(v, bestValue, better);
            best = select<i32>(row + pw, best, better);
          }
        }
        store<f32>(at(y, out), bestValue);
        store<i32>(at(arg, out), best);
        out++;
      }
    }
  }
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
