/**
 * Seeded randomness: xoshiro128** with uniform, normal, integer draws and a shuffle.
 *
 * @module
 */
export * from "./rng.ts";
