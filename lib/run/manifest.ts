/**
 * The run manifest: what a run was, where its data came from, how it ended.
 *
 * Written as `manifest.json` in the run folder when the run starts (status
 * `running`) and rewritten atomically (temporary file, then rename) when it
 * ends, so an interrupted run still leaves a readable manifest.
 *
 * @module
 */

import { causeOf, writeAtomically, type WriteFile } from "../_fs.ts";
import type { DatasetRecord } from "../data/discover.ts";

export type { WriteFile } from "../_fs.ts";

/** How a run ended; `running` while it is under way (or if the process was killed hard). */
export type RunStatus = "running" | "completed" | "interrupted" | "diverged" | "failed";

/** A setting's value, as recorded: JSON primitives only, so manifests compare by value. */
export type SettingValue = string | number | boolean | null;

/** Final evaluation metrics of one split (and, for multi-arm runs, one arm). */
export interface FinalMetrics {
  /** Mean loss over the split. */
  loss: number;
  /** Fraction classified correctly. */
  accuracy: number;
  /** Unweighted mean of the per-class F1 scores. */
  "macro_f1": number;
}

/** The contents of `manifest.json`. */
export interface Manifest {
  /** The experiment's name, e.g. `fashion`. */
  experiment: string;
  /** The experiment's one-line title (runs before reports existed lack it). */
  title?: string;
  /** The write-up the experiment reproduces (runs before reports existed lack it). */
  source?: string;
  /** The run folder's name. */
  "run_id": string;
  /** How the run ended. */
  status: RunStatus;
  /** Why it ended that way, when it did not complete. */
  "status_detail"?: string;
  /** Every setting of the run, flat; the seed is `settings.seed`. */
  settings: Record<string, SettingValue>;
  /** The data the run read. */
  datasets: DatasetRecord[];
  /** The commit of the code and whether the work tree had uncommitted changes (null outside git). */
  git: { commit: string | null; dirty: boolean | null };
  /** The runtime and machine. */
  runtime: { deno: string; v8: string; typescript: string; os: string; arch: string; cpu: string };
  /** ISO time the run started. */
  "started_at": string;
  /** ISO time the run ended (null while running). */
  "ended_at": string | null;
  /** Seconds from start to end (null while running). */
  "wall_seconds": number | null;
  /** Training samples processed (summed over arms). */
  "samples_seen": number;
  /** Each arm's model, one line per layer with its output shape (key "" for single-arm runs). */
  models?: Record<string, string>;
  /** Each arm's pixel transform, by name (key "" for single-arm runs), e.g. `x/255-0.5`. */
  transforms?: Record<string, string>;
  /** Each arm's backend, its one-line description (key "" for single-arm runs), e.g. `ts (TypeScript reference kernels)`. */
  backends?: Record<string, string>;
  /** The checkpoint the run started from (`--init-from`), its path and its SHA-256; absent when none. */
  "init_from"?: { file: string; sha256: string };
  /**
   * Each time the run went on with `--resume`: when, the epoch and the steps done in it, and how the
   * interrupted part ended (its `status_detail`); absent for a run never resumed.
   */
  resumes?: { at: string; epoch: number; step: number; after: string }[];
  /** Final metrics, keyed `<split>` or `<arm>/<split>`, e.g. `test` or `both/validation`. */
  "final_metrics": Record<string, FinalMetrics>;
  /** The files of the run folder, by role. */
  files: Record<string, string>;
}

/**
 * Writes `manifest` to `path` atomically: a temporary file beside it, then a
 * rename. When that fails (a full disk has no room for a second copy), the
 * manifest is rewritten in place.
 *
 * @param options `write` replaces `Deno.writeFileSync` (tests inject a failing one).
 * @throws {Error} naming the file and the cause when neither way works.
 */
export function writeManifest(path: string, manifest: Manifest, options: { write?: WriteFile } = {}): void {
  const text = JSON.stringify(manifest, null, 2) + "\n";
  try {
    writeAtomically(path, text, options);
  } catch {
    try {
      (options.write ?? Deno.writeFileSync)(path, new TextEncoder().encode(text));
    } catch (error) {
      throw new Error(`cannot write ${path}: ${causeOf(error)}`);
    }
  }
}

/**
 * Reads a manifest, with a message naming the file when it is missing or not a manifest.
 *
 * @throws {Error} when the file cannot be read, is not JSON, or lacks `experiment` and `settings`.
 */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(`cannot read manifest ${path}: ${causeOf(error)}`);
  }
  return checkManifest(path, text);
}

/** {@linkcode readManifest}, synchronously. */
export function readManifestSync(path: string): Manifest {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new Error(`cannot read manifest ${path}: ${causeOf(error)}`);
  }
  return checkManifest(path, text);
}

function checkManifest(path: string, text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`manifest ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const record = value as Partial<Manifest>;
  if (
    typeof value !== "object" || value === null || typeof record.experiment !== "string" ||
    typeof record.settings !== "object" || record.settings === null
  ) {
    throw new Error(`manifest ${path} lacks "experiment" or "settings"; is it a run manifest?`);
  }
  return record as Manifest;
}
