/**
 * The files of one run folder, written so that a failed write (a full disk)
 * leaves nothing half-written and says which file failed and why.
 *
 * @module
 */
import { type NamedTensor, writeCheckpoint } from "../checkpoint/mod.ts";
import { type Manifest, type WriteFile, writeManifest } from "../report/mod.ts";
import type { Param } from "../tensor/mod.ts";

const encoder = new TextEncoder();

/** `cannot write <path>: <cause>`, without the path Deno appends to its own message. */
function writeError(path: string, error: unknown): Error {
  return new Error(`cannot write ${path}: ${(error as Error).message.replace(/: \w+ '[^']*'$/, "")}`);
}

/** Runs a clean-up step whose failure leaves nothing more to do. */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // Nothing was written there, or nothing more can be done.
  }
}

/** The size of a file in bytes, 0 when there is none. */
function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Writes into a run folder; every failure is an error naming the file and the cause. */
export class RunFiles {
  /** The run folder. */
  readonly dir: string;
  readonly #write: WriteFile;
  readonly #sizes = new Map<string, number>();

  /** Writes into `dir` through `write` (default `Deno.writeFileSync`; tests inject a failing one). */
  constructor(dir: string, write: WriteFile = Deno.writeFileSync) {
    this.dir = dir;
    this.#write = write;
  }

  /**
   * Appends `text` to `name`, whole or not at all: after a failed write the
   * file is cut back to its last complete line.
   *
   * @throws {Error} `cannot write <path>: <cause>`.
   */
  append(name: string, text: string): void {
    const path = `${this.dir}/${name}`;
    const size = this.#sizes.get(name) ?? sizeOf(path); // a resumed run appends to its files
    const bytes = encoder.encode(text);
    try {
      this.#write(path, bytes, { append: true });
    } catch (error) {
      attempt(() => Deno.truncateSync(path, size));
      throw writeError(path, error);
    }
    this.#sizes.set(name, size + bytes.length);
  }

  /**
   * Writes `text` as the whole of `name`; a file that could not be written whole is removed.
   *
   * @throws {Error} `cannot write <path>: <cause>`.
   */
  put(name: string, text: string): void {
    const path = `${this.dir}/${name}`;
    try {
      this.#write(path, encoder.encode(text));
    } catch (error) {
      attempt(() => Deno.removeSync(path));
      throw writeError(path, error);
    }
  }

  /**
   * Writes `name` as a safetensors checkpoint of `params` with `metadata` and training `state`
   * tensors, atomically (see `writeCheckpoint`).
   *
   * @throws {Error} `cannot write <path>: <cause>`.
   */
  checkpoint(
    name: string,
    params: readonly Param[],
    options: { metadata: Record<string, string>; state?: NamedTensor[] },
  ): void {
    const path = `${this.dir}/${name}`;
    try {
      writeCheckpoint(path, params, { ...options, write: this.#write });
    } catch (error) {
      throw writeError(path, error);
    }
  }

  /** Writes `manifest.json` (see `writeManifest`). */
  manifest(manifest: Manifest): void {
    writeManifest(`${this.dir}/manifest.json`, manifest, { write: this.#write });
  }
}
