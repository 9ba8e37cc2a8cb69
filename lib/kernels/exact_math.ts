/**
 * The transcendental functions training uses (exp, log, log1p, cos and integer powers), computed from IEEE
 * basic arithmetic only, so that every engine gives the same bits.
 *
 * `Math.exp`, `Math.log`, `Math.cos` and `**` are "implementation-approximated" in ECMAScript: engines
 * may, and do, return different last bits (Chromium 156 and Deno 2.9's V8 disagree on about one input in
 * a thousand). Basic arithmetic (`+ - * /`, `Math.sqrt`) is exactly rounded everywhere, and reading or
 * writing a float's bits through a typed array is exact, so functions built from them alone reproduce
 * bit for bit in any runtime, which lets a browser run equal a command-line run to the last digit.
 *
 * The algorithms and their polynomial coefficients are Sun's fdlibm (as kept in FreeBSD's msun and
 * openlibm), rewritten here in TypeScript: argument reduction and a polynomial, each under one ulp of
 * error. `exactPowInt` squares in double-double arithmetic. fdlibm's notice, which it asks be kept:
 *
 * > Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunSoft, a Sun
 * > Microsystems, Inc. business. Permission to use, copy, modify, and distribute this software is freely
 * > granted, provided that this notice is preserved.
 *
 * @module
 */

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
/** Which 32-bit half of a float64 holds its sign and exponent (1 on little-endian machines). */
const HI = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The sign, exponent and top 20 fraction bits of `x`, as a signed 32-bit integer (fdlibm's `GET_HIGH_WORD`). */
function highWord(x: number): number {
  f64[0] = x;
  return i32[HI]!;
}

/** The low 32 fraction bits of `x`, unsigned. */
function lowWord(x: number): number {
  f64[0] = x;
  return u32[LO]!;
}

/** `x` with its high word replaced (fdlibm's `SET_HIGH_WORD`). */
function withHighWord(x: number, hi: number): number {
  f64[0] = x;
  i32[HI] = hi;
  return f64[0]!;
}

/** The float64 whose two 32-bit halves are `hi` and `lo` (fdlibm's `INSERT_WORDS`). */
function fromWords(hi: number, lo: number): number {
  i32[HI] = hi;
  u32[LO] = lo;
  return f64[0]!;
}

/** 2^k for k in [-1022, 1023] at index k + 1022, each exact (doubling and halving are). */
const POW2 = (() => {
  const table = new Float64Array(2046);
  table[1022] = 1;
  for (let k = 1; k <= 1023; k++) table[1022 + k] = table[1021 + k]! * 2;
  for (let k = 1; k <= 1022; k++) table[1022 - k] = table[1023 - k]! * 0.5;
  return table;
})();

/** `y * 2^k`, rounded once (the exact scaling first, the one that may round last). */
function scaleByPow2(y: number, k: number): number {
  if (k > 1023) return k > 2046 ? y * Infinity : y * POW2[1022 + 1023]! * POW2[1022 + k - 1023]!;
  if (k < -1022) return k < -2044 ? y * 0 : y * POW2[1022 + k + 1022]! * POW2[0]!;
  return y * POW2[1022 + k]!;
}

const LN2_HI = 6.93147180369123816490e-01; // 0x3fe62e42 fee00000: ln 2 to 32 bits, so k * LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76: ln 2 - LN2_HI
const INV_LN2 = 1.44269504088896338700e+00;
const TWO54 = 1.80143985094819840000e+16;

const EXP_OVERFLOW = 7.09782712893383973096e+02; // above: exp(x) > MAX_VALUE
const EXP_UNDERFLOW = -7.45133219101941108420e+02; // below: exp(x) < MIN_VALUE / 2
const EXP_BIG = fromWords(0x40862e42, 0); // |x| from here may overflow or underflow
const EXP_HALF_LN2 = fromWords(0x3fd62e43, 0); // |x| from here needs reducing
const EXP_THREE_HALVES_LN2 = fromWords(0x3ff0a2b2, 0); // |x| below here reduces by one ln 2
const EXP_TINY = fromWords(0x3e300000, 0); // 2^-28: exp(x) rounds to 1 + x
const P1 = 1.66666666666666019037e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;

/**
 * e^x, under one ulp of error, the same bits in every engine (fdlibm's `exp`): x = k ln 2 + r with
 * |r| <= ln 2 / 2, e^r from a degree-10 rational form, then scaled by 2^k.
 */
export function exactExp(x: number): number {
  if (x !== x) return x;
  const ax = x < 0 ? -x : x;
  if (ax >= EXP_BIG) {
    if (x > EXP_OVERFLOW) return Infinity;
    if (x < EXP_UNDERFLOW) return 0;
  }
  if (x === 1) return 2.718281828459045235360;
  let hi = 0, lo = 0, k = 0;
  if (ax >= EXP_HALF_LN2) {
    // Below 1.5 ln 2, k is +-1; above, the nearest integer to x / ln 2 (truncated, as C's (int)).
    k = ax < EXP_THREE_HALVES_LN2 ? (x > 0 ? 1 : -1) : (INV_LN2 * x + (x > 0 ? 0.5 : -0.5)) | 0;
    hi = x - k * LN2_HI; // k * LN2_HI is exact: LN2_HI has 32 bits
    lo = k * LN2_LO;
    x = hi - lo;
  } else if (ax < EXP_TINY) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  return scaleByPow2(y, k);
}

const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;

/**
 * The natural logarithm, under one ulp of error, the same bits in every engine (fdlibm's `log`):
 * x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2), log(1 + f) from s = f / (2 + f) and a polynomial in s^2.
 */
export function exactLog(x: number): number {
  let hx = highWord(x), k = 0;
  if (hx < 0x00100000) { // x < 2^-1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lowWord(x)) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x; // +Infinity or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000)); // x or x / 2, into [sqrt(2)/2, sqrt(2))
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : k * LN2_HI - ((r - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s, w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) { // 1 + f far from 1: the more careful form
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - r) : k * LN2_HI - ((s * (f - r) - k * LN2_LO) - f);
}

/**
 * log(1 + x), accurate for tiny x where `exactLog(1 + x)` would lose x's digits, under one ulp of error
 * (fdlibm's `log1p`): 1 + x is split as exactLog splits x, with a correction for the rounding of 1 + x.
 */
export function exactLog1p(x: number): number {
  const hx = highWord(x), ax = hx & 0x7fffffff;
  let k = 1, f = 0, c = 0, hu = 0;
  if (hx < 0x3fda827a) { // 1 + x < sqrt(2)
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^-29
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) { // sqrt(2)/2 <= 1 + x < sqrt(2): no reduction
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u; // what rounding 1 + x lost, relative to u
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, hu | 0x3ff00000); // u, into [1, sqrt(2))
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000); // u / 2, into [sqrt(2)/2, 1)
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  return log1pTail(f, k, c, hu);
}

/** The end of `exactLog1p`: log(1 + f) + k ln 2 + c, with `hu` zero when |f| < 2^-20. */
function log1pTail(f: number, k: number, c: number, hu: number): number {
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const r = hfsq * (1 - 0.66666666666666666 * f);
    return k === 0 ? f - r : k * LN2_HI - ((r - (k * LN2_LO + c)) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const r = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f);
}

const C1 = 4.16666666666666019037e-02;
const C2 = -1.38888888888741095749e-03;
const C3 = 2.48015872894767294178e-05;
const C4 = -2.75573143513906633035e-07;
const C5 = 2.08757232129817482790e-09;
const C6 = -1.13596475577881948265e-11;
const S1 = -1.66666666666666324348e-01;
const S2 = 8.33333333332248946124e-03;
const S3 = -1.98412698298579493134e-04;
const S4 = 2.75573137070700676789e-06;
const S5 = -2.50507602534068634195e-08;
const S6 = 1.58969099521155010221e-10;

/** cos(x + y) for |x| <= pi/4, y the tail of x (fdlibm's `__kernel_cos`). */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  // cos = (1 - qx) - ((z/2 - qx) - (r - xy)) with qx about x^2/4: both differences exact.
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  return (1 - qx) - ((0.5 * z - qx) - (z * r - x * y));
}

/** sin(x + y) for |x| <= pi/4, y the tail of x (fdlibm's `__kernel_sin` with its tail). */
function kernelSin(x: number, y: number): number {
  if ((highWord(x) & 0x7fffffff) < 0x3e400000) return x; // |x| < 2^-27
  const z = x * x, v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

const INV_PIO2 = 6.36619772367581382433e-01;
const PIO2_1 = 1.57079632673412561417e+00; // the first 33 bits of pi/2
const PIO2_1T = 6.07710050650619224932e-11; // pi/2 - PIO2_1
const PIO2_2 = 6.07710050630396597660e-11; // the next 33 bits
const PIO2_2T = 2.02226624879595063154e-21; // pi/2 - (PIO2_1 + PIO2_2)
const PIO2_3 = 2.02226624871116645580e-21; // the next 33 bits
const PIO2_3T = 8.47842766036889956997e-32; // pi/2 - (PIO2_1 + PIO2_2 + PIO2_3)
/** |x| below this reduces with the three-part pi/2 (fdlibm's medium case, 2^20 pi/2). */
const COS_LIMIT = fromWords(0x413921fb, 0);
const ROUNDER = 6755399441055744; // 1.5 * 2^52: adding and subtracting it rounds to an integer

/** A reduced argument: x = n pi/2 + (y0 + y1). */
const reduced = { n: 0, y0: 0, y1: 0 };

/** x - n pi/2 to 85, 118 or 151 bits as cancellation needs (fdlibm's `__ieee754_rem_pio2`, medium case). */
function remPio2(x: number): void {
  const fn = (x * INV_PIO2 + ROUNDER) - ROUNDER;
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T;
  const j = (highWord(x) >> 20) & 0x7ff;
  let y0 = r - w;
  if (j - ((highWord(y0) >> 20) & 0x7ff) > 16) { // cancelled more than 16 bits: the next 33 bits of pi/2
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - ((t - r) - w);
    y0 = r - w;
    if (j - ((highWord(y0) >> 20) & 0x7ff) > 49) {
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - ((t - r) - w);
      y0 = r - w;
    }
  }
  reduced.n = fn;
  reduced.y0 = y0;
  reduced.y1 = (r - y0) - w;
}

/**
 * The cosine, under one ulp of error, the same bits in every engine (fdlibm's `cos`), for |x| below
 * 2^20 pi/2 (about 1.6e6): x is reduced by multiples of pi/2 held to 151 bits. Larger arguments need
 * Payne-Hanek reduction, which the suite has no use for, so they throw a `RangeError`.
 */
export function exactCos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0); // |x| <= pi/4
  if (ix >= 0x7ff00000) return x - x; // NaN or an infinity
  if (!(x < COS_LIMIT && x > -COS_LIMIT)) {
    throw new RangeError(`exactCos: |x| must be below 2^20 pi/2 (${COS_LIMIT}), got ${x}`);
  }
  remPio2(x);
  const { n, y0, y1 } = reduced;
  switch (n & 3) {
    case 0:
      return kernelCos(y0, y1);
    case 1:
      return -kernelSin(y0, y1);
    case 2:
      return -kernelCos(y0, y1);
    default:
      return kernelSin(y0, y1);
  }
}

const SPLITTER = 134217729; // 2^27 + 1: Veltkamp's split of a float64 into two 26-bit halves

/** The last {@linkcode multiplyDd} result (an object reused, so the hot loop allocates nothing). */
const product = { hi: 0, lo: 0 };

/** The product of two double-doubles `(ah + al)(bh + bl)`, normalized, into `product`. */
function multiplyDd(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  const ca = SPLITTER * ah, ahh = ca - (ca - ah), ahl = ah - ahh;
  const cb = SPLITTER * bh, bhh = cb - (cb - bh), bhl = bh - bhh;
  const e = ((ahh * bhh - p) + ahh * bhl + ahl * bhh) + ahl * bhl; // ah * bh - p, exactly (Dekker)
  const tail = e + (ah * bl + al * bh);
  product.hi = p + tail;
  product.lo = tail - (product.hi - p);
}

/**
 * x^n for a non-negative integer n, within one ulp (exactly rounded but for rare ties and subnormal
 * results), the same bits in every engine: binary powering in double-double arithmetic on x's
 * significand, its exponent kept apart so nothing overflows before the end.
 */
export function exactPowInt(x: number, n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`exactPowInt: n must be an integer >= 0, got ${n}`);
  if (n === 0) return 1;
  if (x !== x || x === 0 || x === Infinity || x === -Infinity) return n % 2 === 1 ? x : x * x;
  const negative = x < 0 && n % 2 === 1;
  // |x| = m 2^e with m in [1, 2), exactly.
  let m = x < 0 ? -x : x, e = 0;
  if (m < POW2[0]!) {
    m *= TWO54;
    e -= 54;
  }
  const he = (highWord(m) >> 20) - 1023;
  m = withHighWord(m, (highWord(m) & 0x000fffff) | 0x3ff00000);
  e += he;
  let rh = 1, rl = 0, re = 0; // the result so far, (rh + rl) 2^re
  let bh = m, bl = 0, be = e; // m^(2^i) 2^(e 2^i)
  for (let k = n;;) {
    if (k % 2 === 1) {
      multiplyDd(rh, rl, bh, bl);
      [rh, rl, re] = renormalized(product.hi, product.lo, re + be);
    }
    k = Math.floor(k / 2);
    if (k === 0 || re > 2200 || re < -2200) break;
    multiplyDd(bh, bl, bh, bl);
    [bh, bl, be] = renormalized(product.hi, product.lo, 2 * be);
    if (be > 1e6 || be < -1e6) be = be > 0 ? 1e6 : -1e6; // far past overflow or underflow already
  }
  const y = scaleByPow2(rh, re);
  return negative ? -y : y;
}

/** `(hi, lo) 2^e` with hi brought into [1, 2) by an exact power of two. */
function renormalized(hi: number, lo: number, e: number): [number, number, number] {
  const shift = ((highWord(hi) >> 20) & 0x7ff) - 1023;
  if (shift === 0) return [hi, lo, e];
  const scale = POW2[1022 - shift]!;
  return [hi * scale, lo * scale, e + shift];
}
