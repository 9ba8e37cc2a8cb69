/**
 * `manifest.json`: what a run was, where its data came from, how it ended. Written when the run starts (status
 * `running`) and rewritten atomically when it ends, so an interrupted run still leaves a readable manifest.
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

/** A result the write-up itself states ("test loss 0.598"), drawn as a reference line on its metric's chart. */
export interface ReportedResult extends Partial<FinalMetrics> {
  /** The split the figure was measured on. */
  split: "train" | "validation" | "test";
  /** The arm it belongs to, in a multi-arm experiment. */
  arm?: string;
  /** What the figure is, when not a measured result of the write-up's own run: `Keras twin`, or `about` (given in words). */
  note?: string;
}

/** The contents of `manifest.json`. */
export interface Manifest {
  /** The experiment's name, e.g. `fashion`. */
  experiment: string;
  /** The experiment's one-line title (runs before reports existed lack it). */
  title?: string;
  /** The write-up the experiment reproduces (runs before reports existed lack it). */
  source?: string;
  /** The write-up's own figures, from the experiment (absent when it states none, or in older runs). */
  reported?: ReportedResult[];
  /** The run folder's name. */
  "run_id": string;
  /** The command line that started the run, as the user would retype it (runs before it was recorded lack it). */
  command?: string;
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
  /** Each `--resume`: when, the epoch and steps done in it, and the interrupted part's `status_detail`. */
  resumes?: { at: string; epoch: number; step: number; after: string }[];
  /** Final metrics, keyed `<split>` or `<arm>/<split>`, e.g. `test` or `both/validation`. */
  "final_metrics": Record<string, FinalMetrics>;
  /** The files of the run folder, by role. */
  files: Record<string, string>;
}

/**
 * Writes `manifest` to `path` atomically; on a full disk, a compact copy the same way, else in place
 * (see `writeInPlace`), so the folder still says truthfully how the run ended.
 *
 * @param options `write` replaces `Deno.writeFileSync` (tests inject a failing one).
 * @throws {Error} naming the file and the cause when the new manifest could not be written whole.
 */
export function writeManifest(path: string, manifest: Manifest, options: { write?: WriteFile } = {}): void {
  try {
    return writeAtomically(path, JSON.stringify(manifest, null, 2) + "\n", options);
  } catch {
    // No room for an indented copy beside the old one.
  }
  try {
    writeAtomically(path, JSON.stringify(manifest) + "\n", options);
  } catch (error) {
    writeInPlace(path, manifest, { write: options.write, problem: `cannot write ${path}: ${causeOf(error)}` });
  }
}

/**
 * When no copy fits beside the old manifest: the new one over it if it fits in its bytes; else a smaller record
 * (the old manifest, compact, with the new status, end and samples and as much of the new `status_detail` as fits;
 * `failed` for a run that would have said `completed`); else the old one's status set to `failed` in its same bytes.
 * With no old manifest, the compact text in place, removed if it fails.
 */
function writeInPlace(path: string, manifest: Manifest, options: { write?: WriteFile; problem: string }): void {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) + "\n");
  let old: Uint8Array;
  try {
    old = Deno.readFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw new Error(options.problem);
    try {
      return (options.write ?? Deno.writeFileSync)(path, encode(manifest));
    } catch {
      try {
        Deno.removeSync(path); // no half manifest
      } catch {
        // Never made.
      }
      throw new Error(options.problem);
    }
  }
  if (encode(manifest).length <= old.length) return overwrite(path, encode(manifest));
  if (manifest.status === "running") throw new Error(`${options.problem}; the old manifest is kept`);
  const status = manifest.status === "completed" ? "failed" : manifest.status;
  const detail = [manifest.status_detail, options.problem].filter((d) => d).join("; then ");
  const oldText = new TextDecoder().decode(old);
  let before: Manifest | null = null;
  try {
    before = JSON.parse(oldText);
  } catch {
    // Not JSON: nothing to build on.
  }
  if (before !== null) {
    const { ended_at: endedAt, wall_seconds: wallSeconds, samples_seen: samplesSeen } = manifest;
    const record = { ...before, status, "ended_at": endedAt, "wall_seconds": wallSeconds, "samples_seen": samplesSeen };
    const room = old.length - encode({ ...record, "status_detail": "" }).length;
    if (room >= 0) {
      overwrite(path, encode({ ...record, "status_detail": detail.slice(0, room) }));
      throw new Error(`${options.problem}; a smaller record says the run ${status}`);
    }
  }
  const patched = oldText.replace(/("status": ?)"running"/, (_, key) => `${key}"failed" `);
  if (patched.length !== old.length || patched === oldText) {
    throw new Error(`${options.problem}; the old manifest is kept`);
  }
  overwrite(path, new TextEncoder().encode(patched));
  throw new Error(`${options.problem}; the old manifest is kept, its status set to failed`);
}

/** Writes `bytes` over the start of `path`'s own bytes (no new room needed), then cuts the file to their length. */
function overwrite(path: string, bytes: Uint8Array): void {
  using file = Deno.openSync(path, { write: true });
  for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
  file.truncateSync(bytes.length);
}

/**
 * Reads a manifest, with a message naming the file when it is missing or not a manifest.
 *
 * @throws {Error} when the file cannot be read, is not JSON, or lacks `experiment` and `settings`.
 */
export function readManifestSync(path: string): Manifest {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw new Error(`cannot read manifest ${path}: ${causeOf(error)}`);
    // `results/zhou` is the experiment's folder, not a run's: say what a run folder is.
    const hint = "not a run folder: give one of results/EXPERIMENT/<time>-seed<N>/, as a run prints it";
    throw new Error(`cannot read manifest ${path}: no such file (${hint})`);
  }
  let value: Partial<Manifest> | null;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`manifest ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value?.experiment !== "string" || typeof value.settings !== "object" || value.settings === null) {
    throw new Error(`manifest ${path} lacks "experiment" or "settings"; is it a run manifest?`);
  }
  return value as Manifest;
}

/** {@linkcode readManifestSync}, as a promise. */
export function readManifest(path: string): Promise<Manifest> {
  return Promise.resolve().then(() => readManifestSync(path));
}
