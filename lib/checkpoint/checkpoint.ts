/**
 * A model's parameters as a safetensors checkpoint: written atomically, read
 * back only when every tensor fits the model being built.
 *
 * @module
 */
import { causeOf, writeAtomically, type WriteFile } from "../_fs.ts";
import { sha256Hex } from "../data/idx.ts";
import type { Param } from "../tensor/mod.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type Safetensors } from "./safetensors.ts";

/**
 * Name prefixes of tensors that hold training state rather than weights
 * (`optimizer.<param>.m`, `train.permutation`): written only when a run is
 * interrupted, for `--resume`; loading weights skips them.
 */
export const STATE_PREFIXES: readonly string[] = ["optimizer.", "train."];

/** Whether a tensor holds training state (see {@linkcode STATE_PREFIXES}), not a weight. */
export function isStateTensor(name: string): boolean {
  return STATE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** A checkpoint read from a file, with the file's path for messages. */
export interface Checkpoint extends Safetensors {
  /** Where it was read from. */
  file: string;
  /** The SHA-256 of the file's bytes, hex. */
  sha256: string;
}

/**
 * Writes every parameter by its name (float32, little-endian) and `metadata`
 * to `path`, atomically (a temporary file, then a rename).
 *
 * @param path the file, e.g. `<run>/model.safetensors`.
 * @param params the model's parameters, e.g. `model.params()`; read, never changed.
 * @param options string `metadata` (`__metadata__`), `state` tensors after the weights (names from
 * {@linkcode STATE_PREFIXES}) and `write` (tests inject a failing one).
 */
export function writeCheckpoint(
  path: string,
  params: readonly Param[],
  options: { metadata: Record<string, string>; state?: NamedTensor[]; write?: WriteFile },
): void {
  writeAtomically(path, encodeCheckpoint(params, options), { write: options.write });
}

/**
 * The bytes of a checkpoint: every parameter by its name (float32, little-endian), then `state`, with `metadata`.
 *
 * @param params the model's parameters; read, never changed.
 * @param options string `metadata` (`__metadata__`) and `state` tensors after the weights.
 */
export function encodeCheckpoint(
  params: readonly Param[],
  options: { metadata: Record<string, string>; state?: NamedTensor[] },
): Uint8Array {
  const weights = params.map((p) => ({ name: p.name, shape: p.shape, data: Float32Array.from(p.value) }));
  return encodeSafetensors({ tensors: [...weights, ...options.state ?? []], metadata: options.metadata });
}

/**
 * Reads and validates a checkpoint (see `decodeSafetensors`).
 *
 * @param path the file.
 * @throws {Error} naming the file: it cannot be read, or it is not valid safetensors.
 */
export function readCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the checkpoint (${causeOf(error)})`);
  }
  return { ...decodeSafetensors(bytes, path), file: path, sha256: sha256Hex(bytes) };
}

/**
 * Copies a checkpoint's tensors into `params` (`p.value.set`, so values that
 * live in a backend's memory stay there), after checking that every
 * parameter has a float32 tensor of its name and shape, every value finite,
 * and that no tensor is left over (training state, see
 * {@linkcode STATE_PREFIXES}, is not read here); on a mismatch nothing is
 * changed.
 *
 * @param checkpoint from {@linkcode readCheckpoint}.
 * @param params the model's parameters, e.g. `model.params()`.
 * @throws {Error} naming the file and the tensor that does not fit or holds NaN or an infinity.
 */
export function loadCheckpoint(checkpoint: Checkpoint, params: readonly Param[]): void {
  const byName = new Map(checkpoint.tensors.map((t) => [t.name, t]));
  const fail = (why: string): never => {
    throw new Error(`${checkpoint.file}: does not fit this model: ${why}`);
  };
  for (const p of params) {
    const t = byName.get(p.name) ?? fail(`tensor '${p.name}' [${p.shape}] is missing`);
    if (!(t.data instanceof Float32Array)) fail(`tensor '${p.name}' is not F32`);
    if (t.shape.join("x") !== p.shape.join("x")) {
      fail(`tensor '${p.name}' has shape [${t.shape}], expected [${p.shape}]`);
    }
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(
        `${checkpoint.file}: tensor '${p.name}' holds ${t.data[bad]} (at ${bad}): the weights are unusable \
(a diverged or damaged checkpoint; use another one)`,
      );
    }
  }
  const names = new Set(params.map((p) => p.name));
  const extra = checkpoint.tensors.find((t) => !names.has(t.name) && !isStateTensor(t.name));
  if (extra) fail(`tensor '${extra.name}' is not a parameter of this model`);
  for (const p of params) p.value.set(byName.get(p.name)!.data);
}
