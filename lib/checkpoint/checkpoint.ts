/**
 * A model's parameters as a safetensors checkpoint: written atomically, read back only when every tensor fits the
 * model being built.
 *
 * @module
 */
import { causeOf, writeAtomically, type WriteFile } from "../_fs.ts";
import { sha256Hex } from "../data/idx.ts";
import type { Param } from "../tensor/mod.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type Safetensors } from "./safetensors.ts";

/**
 * Whether a tensor holds training state (`optimizer.<param>.m`, `train.permutation`), not a weight: written only
 * when a run is interrupted, for `--resume`; loading weights skips it.
 */
const isStateTensor = (name: string) => ["optimizer.", "train."].some((prefix) => name.startsWith(prefix));

/** A checkpoint read from a file, with the file's path for messages. */
export interface Checkpoint extends Safetensors {
  /** Where it was read from. */
  file: string;
  /** The SHA-256 of the file's bytes, hex. */
  sha256: string;
}

/**
 * Writes {@linkcode encodeCheckpoint}'s bytes to `path` atomically (a temporary file, then a rename);
 * `options.write` replaces `Deno.writeFileSync` (tests inject a failing one).
 */
export function writeCheckpoint(
  path: string,
  params: readonly Param[],
  options: { metadata: Record<string, string>; state?: NamedTensor[]; write?: WriteFile },
): void {
  writeAtomically(path, encodeCheckpoint(params, options), { write: options.write });
}

/**
 * The bytes of a checkpoint: every parameter (read, never changed) by its name as float32, then the training
 * `state` tensors (`optimizer.*`, `train.*`), with string `metadata` (`__metadata__`).
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
 * Copies a checkpoint's tensors into `params` (`p.value.set`, so values in a backend's memory stay there), after
 * checking that every parameter has a finite float32 tensor of its name and shape and that no weight is left over;
 * on a mismatch nothing is changed.
 *
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
