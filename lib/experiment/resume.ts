/**
 * `--resume RUN_DIR`: what an interrupted run keeps in its checkpoint (the optimizer's buffers and step count, the
 * sample order, the rng's position, the epoch, step and interval sums), and the checks that a folder can be resumed
 * with the settings given.
 *
 * @module
 */
import { type Checkpoint, type NamedTensor, readCheckpoint } from "../checkpoint/mod.ts";
import type { Optimizer, OptimizerState } from "../optim/mod.ts";
import type { DatasetRecord } from "../data/mod.ts";
import { checkpointPath, type Manifest, type MetricsRow, readMetrics, runFile, RunFiles } from "../run/mod.ts";
import { causeOf, type WriteFile } from "../_fs.ts";
import type { Rng } from "../rng/mod.ts";
import type { TrainPosition } from "../train/mod.ts";
import { type ArmSettings, deriveArmSettings } from "./arm_plan.ts";
import type { Experiment, PreparedData } from "./experiment.ts";
import { type Settings, UsageError } from "./settings.ts";

/** Where an interrupted run stopped, read back from its folder. */
export interface ResumePoint {
  /** The run folder. */
  dir: string;
  /** Its manifest as the interrupted run left it. */
  manifest: Manifest;
  /** The arm that was interrupted ("" for a single-arm experiment). */
  arm: string;
  /** Every arm of the run, in order: those before `arm` finished, those after it never started. */
  arms: string[];
  /** The settings the command line gave the run (for its arms not started yet); null in checkpoints before them. */
  overrides: Partial<Settings> | null;
  /** The arm's settings, as the run recorded them in the checkpoint. */
  settings: Settings;
  /** The checkpoint: weights, optimizer buffers, sample order. */
  checkpoint: Checkpoint;
  /** The training loop's position. */
  position: TrainPosition;
  /** The optimizer's step count and buffers. */
  optimizer: OptimizerState;
  /** The sample-order rng's state words. */
  rng: number[];
  /** The `--init-from` checkpoint the run started from (for the report's initial weights), or null. */
  init: Checkpoint | null;
}

/**
 * The checkpoint tensors (`optimizer.<param>.<buffer>` F64, `train.permutation` I32) and the `resume` metadata entry
 * that record where training stopped, given the optimizer and sample-order rng as they were then.
 */
export function resumeState(
  position: TrainPosition,
  owned: { optimizer: Optimizer; rng: Rng; overrides?: Partial<Settings> },
): { state: NamedTensor[]; metadata: { resume: string } } {
  const { steps, buffers } = owned.optimizer.state();
  const state: NamedTensor[] = [
    ...Object.entries(buffers).map(([key, data]) => ({ name: `optimizer.${key}`, shape: [data.length], data })),
    { name: "train.permutation", shape: [position.permutation.length], data: position.permutation },
  ];
  const { epoch, step, samplesSeen, interval } = position;
  const record = { epoch, step, samplesSeen, interval, rng: owned.rng.state(), optimizerSteps: steps };
  return { state, metadata: { resume: JSON.stringify({ ...record, overrides: owned.overrides }) } };
}

/**
 * Holds `resume.lock` in the run folder while a resume goes on, so a second resume of the same folder is refused.
 * An operating-system file lock, so a lock left by a killed process never blocks; the file names the holder.
 *
 * @returns a function that releases the lock and removes the file; a no-op when the folder does not exist.
 * @throws {UsageError} naming the process that is resuming the folder.
 */
export function lockForResume(dir: string): () => void {
  const path = `${dir}/resume.lock`;
  for (;;) {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true, write: true, create: true });
    } catch {
      return () => {}; // the checks that follow name the missing folder
    }
    if (!file.tryLockSync(true)) {
      file.close();
      let holder = "another process";
      try {
        const { pid, since } = JSON.parse(Deno.readTextFileSync(path));
        holder = `process ${pid} since ${since}`;
      } catch {
        // Being written: the holder is not named.
      }
      throw new UsageError(`--resume: ${dir}: being resumed by ${holder}; wait for it to end`);
    }
    // The file may have been removed by a holder ending meanwhile: then lock the new one.
    let current: number | null = null;
    try {
      current = Deno.statSync(path).ino;
    } catch {
      // Gone.
    }
    const held = file.statSync().ino;
    if (held !== null && held === current) {
      file.truncateSync(0);
      file.writeSync(new TextEncoder().encode(JSON.stringify({ pid: Deno.pid, since: new Date().toISOString() })));
      return () => {
        try {
          Deno.removeSync(path);
        } finally {
          file.close();
        }
      };
    }
    file.close();
  }
}

/**
 * Reads an interrupted run folder and checks it can be resumed by `experiment` with `overrides`.
 *
 * @throws {UsageError} `--resume: ...`: no such folder or manifest, another experiment, a run that did not stop
 * interrupted, no checkpoint to go on from, or a setting that differs from the run's.
 */
export function readResumePoint(
  dir: string,
  options: { experiment: Experiment; overrides: Partial<Settings> },
): ResumePoint {
  const fail = (why: string): never => {
    throw new UsageError(`--resume: ${dir}: ${why}`);
  };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Deno.readTextFileSync(runFile(dir, "manifest")));
  } catch (error) {
    return fail(`not a run folder (${causeOf(error)})`);
  }
  const name = options.experiment.name;
  if (manifest.experiment !== name) fail(`a run of exp:${manifest.experiment}, not of exp:${name}`);
  if (manifest.status === "completed") fail("the run completed; there is nothing to resume");
  if (manifest.status === "running") fail(runningAdvice(dir, manifest));
  if (manifest.status !== "interrupted") fail(`the run ended ${manifest.status}; only an interrupted run resumes`);
  const arms = Object.keys(manifest.transforms ?? { "": "" });
  const { arm, checkpoint } = interruptedArm(dir, arms, fail);
  let init: Checkpoint | null = null;
  try {
    if (manifest.init_from) init = readCheckpoint(manifest.init_from.file);
  } catch (error) {
    fail(`the run started from --init-from, which is gone: ${(error as Error).message}`);
  }
  const settings: Settings = JSON.parse(checkpoint.metadata.settings!);
  const point = { dir, manifest, arm, arms, checkpoint, init, settings, ...parseResume(checkpoint) };
  if (arms.length > 1 && point.overrides === null) {
    fail(`a run of ${arms.length} arms (${arms.join(", ")}) whose checkpoint does not record the command line's \
settings (made before multi-arm runs resumed)`);
  }
  checkPosition(point);
  checkSettings(settings, options.overrides, fail);
  return point;
}

/** The interrupted arm: the first whose checkpoint holds a resume state (those after it never started). */
function interruptedArm(
  dir: string,
  arms: string[],
  fail: (why: string) => never,
): { arm: string; checkpoint: Checkpoint } {
  let last = "";
  for (const arm of arms) {
    const file = checkpointPath(dir, arm);
    let checkpoint: Checkpoint;
    try {
      checkpoint = readCheckpoint(file);
    } catch (error) {
      last = (error as Error).message;
      break; // this arm never started, nor did any after it
    }
    const { resume, settings } = checkpoint.metadata;
    if (resume !== undefined && settings !== undefined) return { arm, checkpoint };
    last = `${file} has no resume state`;
  }
  return fail(`no checkpoint to resume from (${last})`);
}

/**
 * The arms of a resumed run: each with the settings the command line gave it, the interrupted arm's as its checkpoint
 * recorded them; for a checkpoint from before the command line's settings were recorded, the interrupted arm alone.
 */
export function resumedArms(experiment: Experiment, point: ResumePoint): ArmSettings[] {
  const { arm, settings, overrides } = point;
  if (overrides === null) return deriveArmSettings(experiment, {}, [arm]).map((a) => ({ ...a, settings }));
  return deriveArmSettings(experiment, overrides, point.arms).map((a) => a.name === arm ? { ...a, settings } : a);
}

/**
 * Where a resumed run reads its data: the folder the run recorded, when it was given one (`--data-dir` or the
 * environment) and the command line gives none itself; else where the command line says.
 */
export function resumeDataDir(
  point: ResumePoint,
  given: { dataDir: string | null; dataDirFromEnv: boolean },
): { dataDir: string | null; dataDirFromEnv: boolean } {
  const recorded = point.manifest.datasets?.[0];
  const explicit = given.dataDir !== null && !given.dataDirFromEnv;
  if (explicit || !recorded || (recorded.source !== "data-dir" && recorded.source !== "env")) return given;
  return { dataDir: recorded.dir, dataDirFromEnv: recorded.source === "env" };
}

/**
 * Refuses data whose files differ from those the run read (by name and SHA-256).
 *
 * @throws {UsageError} naming the run's data and the data found.
 */
export function checkSameData(point: ResumePoint, dataset: DatasetRecord): void {
  const sums = (d: DatasetRecord) => d.files.map((f) => `${f.name} ${f.sha256.slice(0, 8)}`).join(", ");
  const before = point.manifest.datasets[0];
  if (!before || sums(before) !== sums(dataset)) {
    throw new UsageError(
      `--resume: ${point.dir}: the run read ${before && sums(before)}, this data is ${sums(dataset)}`,
    );
  }
}

/**
 * Opens the interrupted run's folder to go on with it: its `metrics.csv` checked to reach exactly the checkpoint's
 * position and cut back to its last whole line (a row the stop cut off goes, as after a failed write), its manifest
 * back to `running` with the resume recorded in `resumes`.
 *
 * @throws {UsageError} when `metrics.csv` is missing, damaged, or holds more or fewer rows of the arm than the
 * checkpoint's position logs; nothing is written then.
 */
export async function reopenRun(
  point: ResumePoint,
  plans: { name: string; data: PreparedData }[],
  write?: WriteFile,
): Promise<{ files: RunFiles; manifest: Manifest; rows: MetricsRow[]; clock: number }> {
  const path = runFile(point.dir, "metrics");
  const fail = (why: string): never => {
    throw new UsageError(`--resume: ${point.dir}: ${why} (restore it, or start a new run from its weights with \
--init-from ${checkpointPath(point.dir, point.arm)})`);
  };
  let table, bytes = 0;
  try {
    bytes = (await Deno.readFile(path)).lastIndexOf(10) + 1;
    table = await readMetrics(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return fail("metrics.csv is missing");
    return fail(`cannot go on with metrics.csv: ${(error as Error).message.replace(/^\w+: /, "")}`);
  }
  const damage = table.warnings.find((w) => !/last line has no newline/.test(w));
  if (damage) fail(`metrics.csv is damaged: ${damage}`);
  const { train, evaluations } = plans.find((p) => p.name === point.arm)!.data;
  const { epoch, step } = point.position, { batchSize, logEvery } = point.settings;
  const held = table.rows.filter((r) => r.arm === point.arm).length;
  const perEpoch = Math.ceil(Math.ceil(train.count / batchSize) / logEvery) + evaluations.length;
  const expected = (epoch - 1) * perEpoch + Math.floor(step / logEvery);
  if (held !== expected) {
    fail(`metrics.csv holds ${held} rows${point.arm ? ` of arm ${point.arm}` : ""}, but the checkpoint \
(epoch ${epoch}, step ${step}) comes after ${expected}`);
  }
  Deno.truncateSync(path, bytes);
  const files = new RunFiles(point.dir, write);
  const { status_detail: after = "", ...kept } = point.manifest;
  const resumes = [...kept.resumes ?? [], { at: new Date().toISOString(), epoch, step, after }];
  const manifest: Manifest = { ...kept, status: "running", "ended_at": null, "wall_seconds": null, resumes };
  files.manifest(manifest);
  // elapsed_s goes on from the last row written, the pause left out.
  return { files, manifest, rows: table.rows, clock: performance.now() - 1000 * (table.rows.at(-1)?.elapsed_s ?? 0) };
}

/**
 * What to say of a folder whose manifest says `running`: its process is still at it, or was killed before it could
 * write its checkpoint; its last epoch's checkpoint, if any, is where a new run can start from.
 */
function runningAdvice(dir: string, manifest: Manifest): string {
  const found = Object.keys(manifest.transforms ?? { "": "" }).map((arm) => checkpointPath(dir, arm))
    .flatMap((file) => {
      try {
        return [{ file, epoch: readCheckpoint(file).metadata.epoch }];
      } catch {
        return [];
      }
    }).at(-1);
  const why = "the run is still running, or stopped without a checkpoint (killed?)";
  if (!found) return `${why}; it left no checkpoint to go on from (start it again)`;
  return `${why}; to go on from its last checkpoint (epoch ${found.epoch}), start a new run with --init-from ${found.file}`;
}

/** Refuses a resume state that no interrupted run of these settings could have written. */
function checkPosition({ position, settings, checkpoint }: Pick<ResumePoint, "position" | "settings" | "checkpoint">) {
  const { epoch, step, samplesSeen, interval, permutation } = position;
  const stepsPerEpoch = Number(checkpoint.metadata.step);
  const problem = [
    [epoch < 1 || epoch > settings.epochs, `epoch ${epoch} of ${settings.epochs}`],
    [!(step < stepsPerEpoch), `step ${step} of an epoch of ${stepsPerEpoch} steps`],
    [interval.samples > samplesSeen || interval.correct > interval.samples, "the interval's counts"],
    [samplesSeen > epoch * stepsPerEpoch * settings.batchSize, `${samplesSeen} samples seen`],
    [permutation.some((i) => i < 0 || i >= permutation.length), "the sample order"],
  ].find(([bad]) => bad);
  if (problem) {
    throw new UsageError(`--resume: ${checkpoint.file}: the resume state is out of range: ${problem[1]} (the \
checkpoint was altered or damaged)`);
  }
}

/** The position, optimizer state and rng words of a checkpoint's `resume` entry and state tensors. */
function parseResume(checkpoint: Checkpoint): Pick<ResumePoint, "position" | "optimizer" | "rng" | "overrides"> {
  const text = checkpoint.metadata.resume!;
  const r = JSON.parse(text);
  const counts = [r.epoch, r.step, r.samplesSeen, r.interval?.correct, r.interval?.samples, r.optimizerSteps];
  if (!counts.every((n) => Number.isSafeInteger(n) && n >= 0) || typeof r.interval.loss !== "number") {
    throw new UsageError(`--resume: ${checkpoint.file}: the resume state is malformed: ${text}`);
  }
  const buffers: Record<string, Float64Array> = {};
  let permutation: Int32Array | undefined;
  for (const t of checkpoint.tensors) {
    if (t.name.startsWith("optimizer.") && t.data instanceof Float64Array) buffers[t.name.slice(10)] = t.data;
    if (t.name === "train.permutation" && t.data instanceof Int32Array) permutation = t.data;
  }
  if (!permutation) throw new UsageError(`--resume: ${checkpoint.file}: no I32 tensor 'train.permutation'`);
  const position = { epoch: r.epoch, step: r.step, samplesSeen: r.samplesSeen, interval: r.interval, permutation };
  const overrides = typeof r.overrides === "object" && r.overrides !== null ? r.overrides : null;
  return { position, optimizer: { steps: r.optimizerSteps, buffers }, rng: r.rng, overrides };
}

/** Refuses a setting given on the command line that differs from the run's (the run's are used). */
function checkSettings(run: Settings, given: Partial<Settings>, fail: (why: string) => never): void {
  const { flags = {}, hyper = {}, ...rest } = given;
  const differ = [
    ...Object.entries(rest).filter(([key, value]) => value !== run[key as keyof Settings])
      .map(([key, value]) =>
        `${key} ${JSON.stringify(value)} (the run's: ${JSON.stringify(run[key as keyof Settings])})`
      ),
    ...Object.entries(hyper).filter(([key, value]) => value !== run.hyper?.[key])
      .map(([key, value]) => `${key} ${value} (the run's: ${run.hyper?.[key]})`),
    ...Object.entries(flags).filter(([key, value]) => value && !run.flags[key]).map(([key]) =>
      `--${key} (not in the run)`
    ),
  ];
  if (differ.length > 0) fail(`settings differ from the run's: ${differ.join(", ")}; a resumed run keeps its settings`);
}
