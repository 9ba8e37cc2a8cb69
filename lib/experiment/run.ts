/**
 * Runs an experiment, in four steps: derive each arm's settings and prepare
 * its data, open the run folder, train the arms one after another, and write
 * the outputs into `results/<experiment>/<run id>/`.
 *
 * @module
 */
import { createBackend } from "../backend/mod.ts";
import { type Checkpoint, loadCheckpoint, readCheckpoint } from "../checkpoint/mod.ts";
import { type DatasetRecord, loadDataset, type LoadedDataset } from "../data/mod.ts";
import type { Sequential } from "../layers/mod.ts";
import {
  type ArmPictures,
  checkpointPath,
  type Confusion,
  confusionCsv,
  createRunFolder,
  DEFAULT_RESULTS_ROOT,
  type Manifest,
  type MetricsRow,
  type PredictionRow,
  predictionsCsv,
  RUN_FILES,
  type RunFile,
  runFile,
  runFileNames,
  RunFiles,
} from "../run/mod.ts";
import { PROJECT_ROOT, type WriteFile } from "../_fs.ts";
import type { Rng } from "../rng/mod.ts";
import type { Optimizer } from "../optim/mod.ts";
import {
  DivergedError,
  evaluate,
  type Evaluation,
  type EvaluationLog,
  InterruptedError,
  type IntervalLog,
  train,
  type TrainPosition,
} from "../train/mod.ts";
import { gitState, runtimeInfo } from "./environment.ts";
import type { Arm, Experiment, PreparedData } from "./experiment.ts";
import {
  armModel,
  type ArmSettings,
  armTrainer,
  deriveArmSettings,
  divergedAt,
  limitData,
  metricsRow,
} from "./arm_plan.ts";
import { checkpointMetadata, initialWeights } from "./checkpoints.ts";
import { chartsOf, evaluationTable, recordSettings } from "./outputs.ts";
import { recordForReport } from "./report_data.ts";
import { writeRunReport } from "../report/html/mod.ts";
import { createProgress, epochLine, type Progress } from "./progress.ts";
import {
  checkSameData,
  lockForResume,
  readResumedLog,
  readResumePoint,
  resumeDataDir,
  resumedManifest,
  type ResumePoint,
  resumeState,
} from "./resume.ts";
import { useColor } from "../cli/mod.ts";
import { DEFAULT_BACKEND, type RunControls, type Settings } from "./settings.ts";

/** What {@linkcode runExperiment} returns. */
export interface RunOutcome {
  /** The run folder, `<out>/<experiment>/<run id>`. */
  runDir: string;
  /** The manifest as written at the end. */
  manifest: Manifest;
  /** The charts as printed (plain text). */
  charts: string;
}

/** Options of {@linkcode runExperiment}. */
export interface RunOptions {
  /** Settings the command line set explicitly; they win over an arm's own. */
  overrides?: Partial<Settings>;
  /** Folders, quietness and arm selection. */
  controls?: Partial<RunControls>;
  /** Whether stdout is a terminal (progress bar, colour); default: asked of Deno. */
  terminal?: boolean;
  /** Stops training as Ctrl-C does (the command line aborts it on SIGINT, SIGTERM and SIGHUP). */
  signal?: AbortSignal;
  /** How the run's files are written; default `Deno.writeFileSync` (tests inject a failing one). */
  write?: WriteFile;
}

/** An arm with its derived settings and its data. */
interface ArmPlan extends Arm {
  settings: Settings;
  data: PreparedData;
}

/** A run under way: its folder, manifest, rows so far, and how it talks. */
interface Run {
  experiment: Experiment;
  files: RunFiles;
  manifest: Manifest;
  rows: MetricsRow[];
  confusions: Confusion[];
  /** Per evaluated image, and pictures per arm, for the HTML report. */
  predictions: PredictionRow[];
  pictures: ArmPictures[];
  imageSize: { height: number; width: number };
  say: (line: string) => void;
  progress: Progress;
  clock: number;
  /** The weights every arm starts from (`--init-from`), or null for the initial draw. */
  init: Checkpoint | null;
  /** Write each arm's checkpoint every N epochs too (`--checkpoint-every`), or null. */
  checkpointEvery: number | null;
  /** Where the interrupted run this one goes on with stopped (`--resume`), or null. */
  resume: ResumePoint | null;
  /** The settings the command line gave (recorded in an interrupted run's checkpoint, for its arms to come). */
  overrides: Partial<Settings>;
}

/**
 * Runs `experiment` with its defaults plus `options.overrides`, writing
 * `metrics.csv` (row by row, as training goes), `charts.txt`,
 * `evaluations.md`, `confusion.csv`, `predictions.csv`, `pictures.json`,
 * `report.html` (with `charts/*.vl.json`) and `manifest.json` into a new run folder.
 *
 * Ends with the manifest's status `completed`, `interrupted`
 * (`options.signal` aborted during training), `diverged` (a non-finite
 * loss) or `failed` (a write that failed, an error of the experiment); rows
 * written before stay. The final writes are always attempted, and the
 * manifest is the last of them.
 *
 * @param experiment the experiment file's declaration.
 * @param options overrides, controls, terminal, signal, writer.
 * @returns the run folder, the final manifest and the charts.
 * @throws {UsageError} before any folder is made, when a limit exceeds the data or a flag fits no arm.
 * @throws {Error} when the data cannot be loaded or the run folder cannot be created (nothing is trained then).
 */
export async function runExperiment(experiment: Experiment, options: RunOptions = {}): Promise<RunOutcome> {
  const controls: RunControls = {
    dataDir: null,
    dataDirFromEnv: false,
    allowModifiedData: false,
    out: DEFAULT_RESULTS_ROOT,
    quiet: false,
    arms: [],
    seeds: null,
    checkpointEvery: null,
    initFrom: null,
    resume: null,
    ...options.controls,
  };
  const terminal = options.terminal ?? Deno.stdout.isTerminal();
  const progress = createProgress({ quiet: controls.quiet, terminal });
  const say = (line: string) => controls.quiet || progress.log(line);
  const overrides = options.overrides ?? {};
  const release = controls.resume ? lockForResume(controls.resume) : () => {};
  try {
    return await runLocked(experiment, { ...options, controls, terminal, progress, say, overrides });
  } finally {
    release();
  }
}

/** {@linkcode runExperiment} once a resumed folder is locked. */
async function runLocked(
  experiment: Experiment,
  options: RunOptions & {
    controls: RunControls;
    terminal: boolean;
    progress: Progress;
    say: (line: string) => void;
    overrides: Partial<Settings>;
  },
): Promise<RunOutcome> {
  const { controls, terminal, progress, say, overrides } = options;
  const resume = controls.resume ? readResumePoint(controls.resume, { experiment, overrides }) : null;
  const armSettings = resume
    ? resumedArms(experiment, resume)
    : deriveArmSettings(experiment, overrides, controls.arms);
  say(experiment.title);
  const loaded = await loadData(
    experiment,
    resume ? { ...controls, ...resumeDataDir(resume, controls) } : controls,
    say,
  );
  if (resume) checkSameData(resume, loaded.record);
  const plans = armSettings.map((arm) => ({ ...arm, data: limitData(experiment.prepare(loaded, arm.settings), arm) }));
  let init = resume?.init ?? null; // a resumed run's report starts from the weights it started from
  if (!resume && controls.initFrom !== null) init = initialWeights(experiment, plans, controls.initFrom);
  const output = { say, progress, init, checkpointEvery: controls.checkpointEvery, resume, overrides };
  const run = resume
    ? await reopenRun(experiment, { plans, resume, write: options.write, output })
    : await openRun(experiment, { plans, dataset: loaded.record, controls, write: options.write, output });
  say(`run folder: ${run.files.dir}`);
  try {
    if (!resume) run.files.startMetrics();
    for (const plan of plans) await trainArm(run, plan, options.signal);
    run.manifest.status = "completed";
  } catch (error) {
    const stops = [[InterruptedError, "interrupted"], [DivergedError, "diverged"]] as const;
    run.manifest.status = stops.find(([kind]) => error instanceof kind)?.[1] ?? "failed";
    run.manifest.status_detail = (error as Error).message;
  }
  return await finish(run, { quiet: controls.quiet, terminal });
}

/** Loads the experiment's dataset; a modified copy is reported on stderr even when quiet. */
async function loadData(experiment: Experiment, controls: RunControls, say: (line: string) => void) {
  const loaded: LoadedDataset = await loadDataset(experiment.dataset, {
    dataDir: controls.dataDir ?? undefined,
    dataDirSource: controls.dataDirFromEnv ? "env" : "flag",
    allowModified: controls.allowModifiedData,
    log: say,
  });
  const { name, dir, source, files, modified } = loaded.record;
  const where = `data: ${name} from ${dir} (${source}`;
  if (modified) console.error(`${where}, SHA-256 differs from the expected; accepted with --allow-modified-data)`);
  else {
    const sums = files.every((f) => f.verified) ? "SHA-256 verified" : "no expected SHA-256 for some files";
    say(`${where}, ${sums}; sums recorded in the manifest)`);
  }
  return loaded;
}

/** Creates the run folder and writes the first manifest (status `running`). */
async function openRun(
  experiment: Experiment,
  options: {
    plans: ArmPlan[];
    dataset: DatasetRecord;
    controls: RunControls;
    write?: WriteFile;
    output: Pick<Run, "say" | "progress" | "init" | "checkpointEvery" | "resume" | "overrides">;
  },
): Promise<Run> {
  const started = new Date();
  const { plans, controls } = options;
  const seed = plans[0]!.settings.seed;
  const { dir, id } = await createRunFolder(controls.out, { experiment: experiment.name, seed, now: started });
  const files = new RunFiles(dir, options.write);
  const manifest: Manifest = {
    experiment: experiment.name,
    title: experiment.title,
    source: experiment.source,
    ...(experiment.reported && { reported: experiment.reported }),
    "run_id": id,
    ...(controls.command && { command: controls.command }),
    status: "running",
    settings: recordSettings(experiment, new Map(plans.map((p) => [p.name, p.settings]))),
    datasets: [options.dataset],
    git: await gitState(PROJECT_ROOT),
    runtime: runtimeInfo(),
    "started_at": started.toISOString(),
    "ended_at": null,
    "wall_seconds": null,
    "samples_seen": 0,
    transforms: Object.fromEntries(plans.map((p) => [p.name, p.data.transform.name])),
    ...(options.output.init && { "init_from": { file: options.output.init.file, sha256: options.output.init.sha256 } }),
    "final_metrics": {},
    files: runFileNames(plans.map((p) => p.name)),
  };
  files.manifest(manifest);
  const { height, width } = plans[0]!.data.train;
  const report = { predictions: [], pictures: [], imageSize: { height, width } };
  return {
    experiment,
    files,
    manifest,
    rows: [],
    confusions: [],
    ...report,
    clock: performance.now(),
    ...options.output,
  };
}

/** Opens an interrupted run's folder to go on with it: its manifest back to `running`, its rows so far read back. */
async function reopenRun(
  experiment: Experiment,
  options: {
    plans: ArmPlan[];
    resume: ResumePoint;
    write?: WriteFile;
    output: Pick<Run, "say" | "progress" | "init" | "checkpointEvery" | "resume" | "overrides">;
  },
): Promise<Run> {
  const { dir, settings } = options.resume;
  const { train, evaluations } = options.plans.find((p) => p.name === options.resume.arm)!.data;
  const stepsPerEpoch = Math.ceil(train.count / settings.batchSize);
  const log = { stepsPerEpoch, evaluations: evaluations.length, logEvery: settings.logEvery };
  const { rows, bytes } = await readResumedLog(options.resume, log);
  Deno.truncateSync(runFile(dir, "metrics"), bytes); // a last row the stop cut off goes, as after a failed write
  const files = new RunFiles(dir, options.write);
  const manifest = resumedManifest(options.resume);
  files.manifest(manifest);
  const { height, width } = options.plans[0]!.data.train;
  const report = { confusions: [], predictions: [], pictures: [], imageSize: { height, width } };
  // elapsed_s goes on from the last row written, the pause left out.
  const clock = performance.now() - 1000 * (rows.at(-1)?.elapsed_s ?? 0);
  return { experiment, files, manifest, rows, ...report, clock, ...options.output };
}

/** Builds an arm's model on its backend, records its summary, backend and initial weights, and announces it. */
function buildArm(run: Run, plan: ArmPlan) {
  const { name, settings, data, description } = plan;
  const backend = createBackend(settings.backend ?? DEFAULT_BACKEND, {
    warn: (line) => console.error(`warning: ${line}`),
  });
  const model = armModel(run.experiment, plan, backend);
  if (run.init) loadCheckpoint(run.init, model.params());
  const initial = new Map(model.params().map((p) => [p.name, p.value.slice()]));
  run.manifest.models = { ...run.manifest.models, [name]: model.summary() };
  run.manifest.backends = { ...run.manifest.backends, [name]: backend.description };
  const label = name ? `[${name}] ` : "";
  run.say(`${name ? `${label}${description}\n` : ""}${model.summary()}`);
  const evaluated = data.evaluations.map((e) => `${e.set.count} ${e.split}`).join(", ");
  run.say(`${label}${data.train.count} training images; ${evaluated}`);
  const stepsPerEpoch = Math.ceil(data.train.count / settings.batchSize);
  run.progress.start(name || run.experiment.name, stepsPerEpoch * settings.epochs * settings.batchSize);
  return { model, initial, label, backend };
}

/** Trains one arm, recording its rows, final metrics and confusion matrices. */
async function trainArm(run: Run, plan: ArmPlan, signal?: AbortSignal): Promise<void> {
  const { experiment, manifest, progress } = run;
  const { name, settings, data } = plan;
  const resumed = run.resume?.arm === name ? run.resume : null;
  if (run.resume && run.resume.arms.indexOf(name) < run.resume.arms.indexOf(run.resume.arm)) {
    return replayArm(run, plan); // finished before the interruption
  }
  const { model, initial, label, backend } = buildArm(run, plan);
  const before = manifest.samples_seen - (resumed?.position.samplesSeen ?? 0);
  const { optimizer, rng } = armTrainer(model, settings, backend);
  if (resumed) goOn(run, { model, optimizer, rng, label });
  const started = resumed ? 0 : (performance.now() - run.clock) / 1000; // elapsed_s goes on across a resume
  const endEpoch = (epoch: number, stepsPerEpoch: number) => {
    const rows = run.rows.filter((r) => r.arm === name);
    const start = rows.findLast((r) => r.epoch < epoch)?.elapsed_s ?? started;
    progress.log(label + epochLine(rows, { epoch, stepsPerEpoch, start }));
  };
  const result = await train(model, data, {
    ...settings,
    optimizer,
    // The workers build the arm's own model, as armModel() does.
    replica: experiment.replica && { ...experiment.replica, context: { arm: name, settings } },
    backend,
    loss: experiment.loss,
    rng,
    from: resumed?.position,
    signal,
    onEpochStart: (epoch: number) => {
      const done = epoch - 1;
      if (run.checkpointEvery && done > 0 && done % run.checkpointEvery === 0) {
        saveCheckpoint(run, plan, { model, epoch: done });
      }
      progress.log(`${label}Epoch ${epoch}/${settings.epochs}`);
    },
    onInterval: (log: IntervalLog) => {
      record(run, plan, "train", log);
      manifest.samples_seen = before + log.samplesSeen;
      const line = experiment.formatInterval?.(log, name); // the write-up's own log line, kept
      if (line) progress.log(label + line);
      progress.update(log.samplesSeen, label + (line || defaultInterval(log)));
      if (data.evaluations.length === 0 && log.step === log.stepsPerEpoch) endEpoch(log.epoch, log.step);
    },
    onEvaluation: (log: EvaluationLog) => {
      record(run, plan, log.split as MetricsRow["split"], log);
      const done = run.rows.filter((r) => r.arm === name && r.epoch === log.epoch && r.split !== "train").length;
      if (done === data.evaluations.length) endEpoch(log.epoch, log.step);
    },
  }).catch((error) => {
    if (error instanceof DivergedError) recordDivergence(run, plan, error, before);
    if (error instanceof InterruptedError && error.position) {
      manifest.samples_seen = before + error.position.samplesSeen;
      try {
        saveCheckpoint(run, plan, { model, epoch: error.epoch - 1, stopped: { ...error.position, optimizer, rng } });
      } catch (writeError) {
        error.message += `; ${(writeError as Error).message}`;
      }
    }
    throw error;
  }).finally(() => progress.stop());
  manifest.samples_seen = before + result.samplesSeen;
  saveCheckpoint(run, plan, { model, epoch: settings.epochs });
  for (const [split, e] of Object.entries(result.final)) {
    manifest.final_metrics[name ? `${name}/${split}` : split] = {
      loss: e.loss,
      accuracy: e.accuracy,
      macro_f1: e.macroF1,
    };
    run.confusions.push({ arm: name, split, matrix: e.confusion, classNames: [...data.train.classNames] });
  }
  const recorded = recordForReport(model, { arm: name, initial, data, final: result.final });
  run.predictions.push(...recorded.predictions);
  run.pictures.push(recorded.pictures);
  await experiment.afterArm?.({ arm: name, model, initial, data, runDir: run.files.dir, log: run.say });
}

/**
 * The arms of a resumed run: every arm of the run with the settings the command line gave it (the interrupted arm's
 * as its checkpoint recorded them); for a checkpoint from before the command line's settings were recorded, the
 * interrupted arm alone.
 */
function resumedArms(experiment: Experiment, resume: ResumePoint): ArmSettings[] {
  const { arm, settings, overrides } = resume;
  if (overrides === null) return deriveArmSettings(experiment, {}, [arm]).map((a) => ({ ...a, settings }));
  return deriveArmSettings(experiment, overrides, resume.arms).map((a) => a.name === arm ? { ...a, settings } : a);
}

/**
 * An arm that finished before the run was interrupted: its rows and final metrics are in the folder already; its
 * final weights are read back and evaluated again for the confusion matrices and the report (the same numbers).
 */
function replayArm(run: Run, plan: ArmPlan): void {
  const { name, data } = plan;
  const { model, initial, backend } = buildArm(run, plan);
  run.progress.stop();
  loadCheckpoint(readCheckpoint(checkpointPath(run.files.dir, name)), model.params());
  const loss = run.experiment.loss;
  const final: Record<string, Evaluation> = {};
  for (const { split, set } of data.evaluations) {
    final[split] = evaluate(model, set, { transform: data.transform, loss, backend });
    run.confusions.push({ arm: name, split, matrix: final[split].confusion, classNames: [...data.train.classNames] });
  }
  const recorded = recordForReport(model, { arm: name, initial, data, final });
  run.predictions.push(...recorded.predictions);
  run.pictures.push(recorded.pictures);
}

/** Restores the weights, optimizer state and rng position of the interrupted run `run` goes on with. */
function goOn(run: Run, owned: { model: Sequential; optimizer: Optimizer; rng: Rng; label: string }): void {
  const { checkpoint, optimizer, rng, position } = run.resume!;
  loadCheckpoint(checkpoint, owned.model.params());
  owned.optimizer.restore(optimizer);
  owned.rng.restore(rng);
  run.progress.log(`${owned.label}--- resuming epoch ${position.epoch} after step ${position.step} ---`);
}

/**
 * Writes an arm's checkpoint after `epoch` whole epochs; when training was interrupted
 * (`stopped`), with what `--resume` needs to go on from there.
 */
function saveCheckpoint(
  run: Run,
  plan: ArmPlan,
  options: { model: Sequential; epoch: number; stopped?: TrainPosition & { optimizer: Optimizer; rng: Rng } },
): void {
  const { model, epoch, stopped } = options;
  const { name: arm, settings, data } = plan;
  const runId = run.manifest.run_id, initFrom = run.init?.file;
  const metadata = checkpointMetadata(model, {
    experiment: run.experiment.name,
    arm,
    runId,
    settings,
    data,
    epoch,
    initFrom,
  });
  const resume = stopped && resumeState(stopped, { ...stopped, overrides: run.overrides });
  run.files.checkpoint(arm, model.params(), {
    metadata: { ...metadata, ...resume?.metadata },
    state: resume?.state,
  });
}

/** The one place a metrics row is made: appended to `metrics.csv` (whole or not at all), then kept for the charts. */
function record(
  run: Run,
  plan: ArmPlan,
  split: MetricsRow["split"],
  log: { epoch: number; step: number; samplesSeen: number; loss: number; accuracy: number; macroF1?: number },
): void {
  const row = metricsRow(plan.name, split, { ...log, elapsedSeconds: (performance.now() - run.clock) / 1000 });
  run.files.appendMetrics(row);
  run.rows.push(row);
}

/**
 * Records a divergence: the steps that ran before the non-finite loss count
 * as samples seen, and a `train` row at that step holds the loss (its
 * accuracy NaN, as no interval was logged), so a run that diverged before
 * its first logged interval still shows what it did.
 */
function recordDivergence(run: Run, plan: ArmPlan, error: DivergedError, before: number): void {
  const { steps, samplesSeen } = divergedAt({ settings: plan.settings, trainCount: plan.data.train.count }, error);
  error.message += `; steps completed before it: ${steps}`;
  run.manifest.samples_seen = before + samplesSeen;
  try {
    record(run, plan, "train", { epoch: error.epoch, step: error.step, samplesSeen, loss: error.loss, accuracy: NaN });
  } catch (writeError) {
    error.message += `; ${(writeError as Error).message}`;
  }
}

/**
 * Writes charts, evaluation table, confusion matrices, predictions and
 * pictures, then `report.html` from the folder, then the manifest with its end time; a failed write turns a completed run into a failed one
 * and is named in `status_detail`, never thrown. Prints the charts of a
 * single-arm run unless quiet, and only what there is to show.
 */
async function finish(run: Run, options: { quiet: boolean; terminal: boolean }): Promise<RunOutcome> {
  const { files, manifest, rows } = run;
  const charts = chartsOf(rows, { color: false });
  const evaluated = rows.some((r) => r.split !== "train");
  const table = evaluated ? evaluationTable(rows) : "";
  const problems: string[] = [];
  const outputs: [RunFile, () => string][] = [
    ["charts", () => charts + "\n"],
    ["evaluations", () => table && table + "\n"],
    ["confusion", () => confusionCsv(run.confusions)],
    ["predictions", () => predictionsCsv(run.predictions)],
    ["pictures", () => JSON.stringify({ imageSize: run.imageSize, arms: run.pictures })],
  ];
  for (const [file, content] of outputs) {
    try {
      files.put(file, content());
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    if (manifest.status === "completed") manifest.status = "failed";
    manifest.status_detail = [manifest.status_detail, ...problems].filter((p) => p).join("; then ");
  }
  const ended = new Date();
  manifest.ended_at = ended.toISOString();
  manifest.wall_seconds = (ended.getTime() - Date.parse(manifest.started_at)) / 1000;
  try {
    await writeRunReport(files.dir, { manifest, put: (name, text) => files.put(name, text) });
  } catch (error) {
    if (manifest.status === "completed") manifest.status = "failed";
    const problem = `${RUN_FILES.report}: ${(error as Error).message}`;
    manifest.status_detail = [manifest.status_detail, problem].filter((p) => p).join("; then ");
  }
  try {
    files.manifest(manifest);
  } catch (error) {
    console.error(`${(error as Error).message}; the run ended ${manifest.status}: ${manifest.status_detail ?? ""}`);
  }
  // A run of several arms leaves its charts to charts.txt; the command line prints one table of them all.
  if (!options.quiet && rows.length > 0 && new Set(rows.map((r) => r.arm)).size === 1) {
    console.log("\n" + (useColor({ terminal: options.terminal }) ? chartsOf(rows, { color: true }) : charts));
  }
  return { runDir: files.dir, manifest, charts };
}

function defaultInterval(log: IntervalLog): string {
  return `epoch ${log.epoch} step ${log.step}/${log.stepsPerEpoch}: loss ${log.loss.toFixed(4)}, accuracy ${
    log.accuracy.toFixed(4)
  }`;
}
