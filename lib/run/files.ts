/**
 * Writing into a run folder so that a failed write (a full disk) leaves nothing half-written or empty, and says
 * which file failed and why.
 *
 * @module
 */
import { type NamedTensor, writeCheckpoint } from "../checkpoint/mod.ts";
import { causeOf, writeAtomically, type WriteFile } from "../_fs.ts";
import type { Param } from "../tensor/mod.ts";
import { checkpointName, RUN_FILES, type RunFile } from "./layout.ts";
import { type Manifest, writeManifest } from "./manifest.ts";
import { METRICS_HEADER, metricsLine, type MetricsRow } from "./metrics.ts";

/** Writes into a run folder; every failure is an error `cannot write <path>: <cause>`. */
export class RunFiles {
  /** The run folder. */
  readonly dir: string;
  readonly #write: WriteFile;
  #metricsSize: number | null = null;

  /** Writes into `dir` through `write` (default `Deno.writeFileSync`; tests inject a failing one). */
  constructor(dir: string, write: WriteFile = Deno.writeFileSync) {
    this.dir = dir;
    this.#write = write;
  }

  /** Starts `metrics.csv` with its header line. */
  startMetrics(): void {
    this.#appendMetrics(METRICS_HEADER);
  }

  /**
   * Appends a row to `metrics.csv`, whole or not at all: after a failed write the file is cut back to its last
   * complete line. A resumed run appends to the rows it has, a cut-off last row cut away.
   */
  appendMetrics(row: MetricsRow): void {
    this.#appendMetrics(metricsLine(row));
  }

  #appendMetrics(text: string): void {
    const path = `${this.dir}/${RUN_FILES.metrics}`;
    const size = this.#metricsSize ?? completeSize(path);
    const bytes = new TextEncoder().encode(text);
    try {
      this.#write(path, bytes, { append: true });
    } catch (error) {
      try {
        // A file the failed write began is removed, not left empty.
        if (size === 0) Deno.removeSync(path);
        else Deno.truncateSync(path, size);
      } catch {
        // Nothing was written there, or nothing more can be done.
      }
      throw writeError(path, error);
    }
    this.#metricsSize = size + bytes.length;
  }

  /**
   * Writes `text` as the whole of a file of the folder (a role of `RUN_FILES`, or the report's `charts/*.vl.json`)
   * atomically: when the write fails, the file it would replace is kept.
   */
  put(file: RunFile | `charts/${string}`, text: string): void {
    const path = `${this.dir}/${file in RUN_FILES ? RUN_FILES[file as RunFile] : file}`;
    try {
      writeAtomically(path, text, { write: this.#write });
    } catch (error) {
      throw writeError(path, error);
    }
  }

  /** Writes an arm's checkpoint of `params` with `metadata` and training `state` tensors, atomically. */
  checkpoint(
    arm: string,
    params: readonly Param[],
    options: { metadata: Record<string, string>; state?: NamedTensor[] },
  ): void {
    const path = `${this.dir}/${checkpointName(arm)}`;
    try {
      writeCheckpoint(path, params, { ...options, write: this.#write });
    } catch (error) {
      throw writeError(path, error);
    }
  }

  /** Writes `manifest.json` (see `writeManifest`). */
  manifest(manifest: Manifest): void {
    writeManifest(`${this.dir}/${RUN_FILES.manifest}`, manifest, { write: this.#write });
  }
}

function writeError(path: string, error: unknown): Error {
  return new Error(`cannot write ${path}: ${causeOf(error)}`);
}

/**
 * The size of a file up to its last complete line, 0 when there is none. A cut-off last line (a process killed
 * mid-write) is cut away first, as `readMetrics` drops it, so that the next line appended starts a line.
 */
function completeSize(path: string): number {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch {
    return 0;
  }
  const size = bytes.lastIndexOf(10) + 1;
  if (size < bytes.length) Deno.truncateSync(path, size);
  return size;
}
