/**
 * Helpers the optimizers share to save and restore their per-parameter buffers.
 *
 * @module
 */
import type { Param } from "../tensor/mod.ts";
import type { OptimizerState } from "./optimizer.ts";

/**
 * Copies `state`'s buffers into `buffers` (same keys, same lengths), checking everything first.
 *
 * @param buffers the optimizer's own, by key.
 * @param state what to take up.
 * @param who the optimizer's name, for messages.
 * @throws {Error} `<who>: optimizer state ...` naming the buffer at fault.
 */
export function restoreBuffers(
  buffers: Record<string, Float64Array>,
  state: OptimizerState,
  who: string,
): void {
  const fail = (why: string): never => {
    throw new Error(`${who}: optimizer state does not fit: ${why}`);
  };
  for (const [key, own] of Object.entries(buffers)) {
    const given = state.buffers[key] ?? fail(`buffer '${key}' is missing`);
    if (given.length !== own.length) fail(`buffer '${key}' holds ${given.length} values, expected ${own.length}`);
  }
  const extra = Object.keys(state.buffers).find((key) => !(key in buffers));
  if (extra !== undefined) fail(`buffer '${extra}' belongs to no parameter of this optimizer`);
  for (const [key, own] of Object.entries(buffers)) own.set(state.buffers[key]!);
}

/** The buffers of `params` by `<param name>.<suffix>`, from one list per suffix (parallel to `params`). */
export function buffersOf(
  params: readonly Param[],
  lists: Record<string, Float64Array[]>,
): Record<string, Float64Array> {
  return Object.fromEntries(
    Object.entries(lists).flatMap(([suffix, list]) => params.map((p, k) => [`${p.name}.${suffix}`, list[k]!])),
  );
}
