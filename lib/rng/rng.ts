/**
 * A seeded random number generator: xoshiro128** (Blackman and Vigna, 2018),
 * whose 128-bit state is filled from a 32-bit seed by SplitMix32.
 *
 * xoshiro128** needs only 32-bit integer operations, which JavaScript does
 * exactly with `Math.imul` and `>>>`, so the stream is the same on every
 * machine and runtime. Nothing in `lib/` or `experiments/` uses the
 * runtime's unseeded generator: every draw comes from an {@linkcode Rng} that a run seeds.
 * Normal draws take their logarithm and cosine from `exact_math.ts`, not `Math`, whose
 * last bits differ between engines.
 *
 * @module
 */
import { exactCos, exactLog } from "../kernels/exact_math.ts";

/** A seeded generator of uniform floats, integers and normal samples. */
export interface Rng {
  /** The next 32-bit unsigned integer of the stream. */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal sample (Box-Muller on two uniforms; no cached spare). */
  normal(): number;
  /** A uniform integer in [0, n), without modulo bias. */
  integer(n: number): number;
  /** A new generator whose stream depends on this one's seed and `label`, not on how far this one has run. */
  fork(label: number): Rng;
  /** Where the stream stands: the four 32-bit state words (a copy). */
  state(): number[];
  /**
   * Moves the stream to a position from {@linkcode Rng.state}, so the next draws repeat those that followed it.
   *
   * @throws {RangeError} unless given four 32-bit unsigned integers, not all zero.
   */
  restore(state: readonly number[]): void;
}

/** The SplitMix32 step: returns the new state and an output word. */
function splitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

class Xoshiro128StarStar implements Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed >>> 0;
    let state = this.#seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, word] = splitMix32(state);
      state = next;
      words.push(word);
    }
    // The state is never all zero (which would stay zero forever): SplitMix32's
    // output is a bijection of its state, so four successive words hold at most one zero.
    [this.#s0, this.#s1, this.#s2, this.#s3] = words as [number, number, number, number];
  }

  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  normal(): number {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * exactLog(u)) * exactCos(2 * Math.PI * v);
  }

  integer(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`Rng.integer: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Rejection sampling: discard the top partial block of 2^32 so every residue is equally likely.
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  state(): number[] {
    return [this.#s0 >>> 0, this.#s1 >>> 0, this.#s2 >>> 0, this.#s3 >>> 0];
  }

  restore(state: readonly number[]): void {
    const word = (w: unknown) => Number.isInteger(w) && (w as number) >= 0 && (w as number) <= 0xffffffff;
    if (state.length !== 4 || !state.every(word) || state.every((w) => w === 0)) {
      throw new RangeError(`Rng.restore: expected four 32-bit words, not all zero, got ${JSON.stringify(state)}`);
    }
    [this.#s0, this.#s1, this.#s2, this.#s3] = state.map((w) => w | 0) as [number, number, number, number];
  }

  fork(label: number): Rng {
    const [, mixed] = splitMix32((this.#seed ^ Math.imul(label + 1, 0x27d4eb2d)) | 0);
    return new Xoshiro128StarStar(mixed);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A new xoshiro128** generator seeded with a 32-bit unsigned integer.
 *
 * @param seed any integer; it is taken modulo 2^32.
 * @returns a generator; the same seed always gives the same stream.
 *
 * @example
 * ```ts
 * import { createRng } from "./rng.ts";
 * const rng = createRng(0);
 * rng.uniform(); // the same number on every machine
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`createRng: the seed must be an integer, got ${seed}`);
  }
  return new Xoshiro128StarStar(seed);
}

/**
 * Shuffles `items` in place with the Fisher-Yates algorithm and returns it.
 *
 * Walks from the last position down; each position swaps with a uniformly
 * drawn position at or before it, so all orders are equally likely.
 *
 * @param items the array to shuffle (typed arrays too).
 * @param options.rng the generator to draw from.
 */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  items: T,
  options: { rng: Rng },
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = options.rng.integer(i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}
