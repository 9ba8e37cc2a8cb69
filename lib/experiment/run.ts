/**
 * Runs an experiment: derive each arm's settings and prepare its data, open the run folder, train the arms one
 * after another, and write the outputs into `<out>/<experiment>/<run id>/`.
 *
 * @module
 */
import { createBackend } from "../backend/mod.ts";
import { type Checkpoint, loadCheckpoint, readCheckpoint } from "../checkpoint/mod.ts";
import { type DatasetRecord, loadDataset } from "../data/mod.ts";
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
  runFileNames,
  RunFiles,
} from "../run/mod.ts";
import { PROJECT_ROOT, type WriteFile } from "../_fs.ts";
import { createRng, type Rng } from "../rng/mod.ts";
import type { Param } from "../tensor/mod.ts";
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
import type { Experiment } from "./experiment.ts";
import {
  armModel,
  type ArmPlan,
  armTrainer,
  checkpointMetadata,
  deriveArmSettings,
  divergedAt,
  limitData,
  metricsRow,
  startManifest,
} from "./arm_plan.ts";
import { chartsOf, evaluationTable, recordForReport } from "./outputs.ts";
import { writeRunReport } from "../report/html/mod.ts";
import { createProgress, epochLine, type Progress } from "./progress.ts";
import {
  checkSameData,
  lockForResume,
  readResumePoint,
  reopenRun,
  resumedArms,
  resumeDataDir,
  type ResumePoint,
  resumeState,
} from "./resume.ts";
import { useColor } from "../cli/mod.ts";
import { DEFAULT_BACKEND, type RunControls, type Settings, UsageError } from "./settings.ts";

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

/** A run under way: its folder, manifest, what it recorded so far, how it talks, where it starts from. */
interface Run {
  experiment: Experiment;
  files: RunFiles;
  manifest: Manifest;
  rows: MetricsRow[];
  confusions: Confusion[];
  predictions: PredictionRow[];
  pictures: ArmPictures[];
  imageSize: { height: number; width: number };
  progress: Progress;
  /** `performance.now()` at `elapsed_s` 0. */
  clock: number;
  /** `--init-from`'s weights, or null for the initial draw. */
  init: Checkpoint | null;
  checkpointEvery: number | null;
  resume: ResumePoint | null;
  /** The settings the command line gave (an interrupted run's checkpoint records them, for its arms to come). */
  overrides: Partial<Settings>;
}

/**
 * Runs `experiment` with its defaults plus `options.overrides` into a new run folder (or the `--resume` one), writing
 * `metrics.csv` row by row, then the other files, the manifest last. Ends `completed`, `interrupted` (`options.signal`
 * aborted during training), `diverged` (a non-finite loss) or `failed`; the final writes are always attempted.
 *
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
  const say = progress.log; // nothing when quiet
  const overrides = options.overrides ?? {};
  const release = controls.resume ? lockForResume(controls.resume) : () => {};
  try {
    const resume = controls.resume ? readResumePoint(controls.resume, { experiment, overrides }) : null;
    const arms = resume ? resumedArms(experiment, resume) : deriveArmSettings(experiment, overrides, controls.arms);
    say(experiment.title);
    const where = resume ? { ...controls, ...resumeDataDir(resume, controls) } : controls;
    const loaded = await loadData(experiment, where, say);
    if (resume) checkSameData(resume, loaded.record);
    const plans = arms.map((arm) => ({ ...arm, data: limitData(experiment.prepare(loaded, arm.settings), arm) }));
    // A resumed run's report starts from the weights it started from.
    const { initFrom } = controls;
    const init = resume ? resume.init : initFrom === null ? null : initialWeights(experiment, plans, initFrom);
    const opened = resume
      ? await reopenRun(resume, plans, options.write)
      : await openRun(experiment, { plans, dataset: loaded.record, controls, init, write: options.write });
    const { height, width } = plans[0]!.data.train;
    const run: Run = {
      experiment,
      ...opened,
      confusions: [],
      predictions: [],
      pictures: [],
      imageSize: { height, width },
      progress,
      init,
      checkpointEvery: controls.checkpointEvery,
      resume,
      overrides,
    };
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
  } finally {
    release();
  }
}

/** Loads the experiment's dataset; a modified copy is reported on stderr even when quiet. */
async function loadData(experiment: Experiment, controls: RunControls, say: (line: string) => void) {
  const loaded = await loadDataset(experiment.dataset, {
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

/**
 * Reads the `--init-from` checkpoint and checks it fits every arm's model.
 *
 * @throws {UsageError} `--init-from: <file>: ...`, naming the tensor that does not fit.
 */
function initialWeights(experiment: Experiment, arms: ArmPlan[], file: string): Checkpoint {
  try {
    const checkpoint = readCheckpoint(file);
    for (const { name: arm, settings } of arms) {
      loadCheckpoint(checkpoint, experiment.model({ rng: createRng(0), dtype: "float32", arm, settings }).params());
    }
    return checkpoint;
  } catch (error) {
    throw new UsageError(`--init-from: ${(error as Error).message}`);
  }
}

/** Creates the run folder and writes the first manifest (status `running`). */
async function openRun(
  experiment: Experiment,
  options: {
    plans: ArmPlan[];
    dataset: DatasetRecord;
    controls: RunControls;
    init: Checkpoint | null;
    write?: WriteFile;
  },
): Promise<Pick<Run, "files" | "manifest" | "rows" | "clock">> {
  const started = new Date();
  const { plans, controls, init } = options;
  const seed = plans[0]!.settings.seed;
  const { dir, id } = await createRunFolder(controls.out, { experiment: experiment.name, seed, now: started });
  const files = new RunFiles(dir, options.write);
  const manifest = startManifest(experiment, {
    "run_id": id,
    command: controls.command,
    git: await gitState(PROJECT_ROOT),
    runtime: runtimeInfo(),
    "init_from": init ? { file: init.file, sha256: init.sha256 } : undefined,
    files: runFileNames(plans.map((p) => p.name)),
    plans,
    dataset: options.dataset,
    started,
  });
  files.manifest(manifest);
  return { files, manifest, rows: [], clock: performance.now() };
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
  run.progress.log(`${name ? `${label}${description}\n` : ""}${model.summary()}`);
  const evaluated = data.evaluations.map((e) => `${e.set.count} ${e.split}`).join(", ");
  run.progress.log(`${label}${data.train.count} training images; ${evaluated}`);
  const stepsPerEpoch = Math.ceil(data.train.count / settings.batchSize);
  run.progress.start(name || run.experiment.name, stepsPerEpoch * settings.epochs * settings.batchSize);
  return { model, initial, label, backend };
}

/** Trains one arm, recording its rows, final metrics and confusion matrices; an arm finished before a resume replays. */
async function trainArm(run: Run, plan: ArmPlan, signal?: AbortSignal): Promise<void> {
  const { experiment, manifest, progress, resume } = run;
  const { name, settings, data } = plan;
  if (resume && resume.arms.indexOf(name) < resume.arms.indexOf(resume.arm)) return replayArm(run, plan);
  const resumed = resume?.arm === name ? resume : null;
  const { model, initial, label, backend } = buildArm(run, plan);
  const before = manifest.samples_seen - (resumed?.position.samplesSeen ?? 0);
  const { optimizer, rng, options } = armTrainer(experiment, { name, model, settings, backend });
  if (resumed) {
    loadCheckpoint(resumed.checkpoint, model.params());
    optimizer.restore(resumed.optimizer);
    rng.restore(resumed.rng);
    progress.log(`${label}--- resuming epoch ${resumed.position.epoch} after step ${resumed.position.step} ---`);
  }
  const started = resumed ? 0 : (performance.now() - run.clock) / 1000; // elapsed_s goes on across a resume
  const endEpoch = (epoch: number, stepsPerEpoch: number) => {
    const rows = run.rows.filter((r) => r.arm === name);
    const start = rows.findLast((r) => r.epoch < epoch)?.elapsed_s ?? started;
    progress.log(label + epochLine(rows, { epoch, stepsPerEpoch, start }));
  };
  const result = await train(model, data, {
    ...options,
    from: resumed?.position,
    signal,
    onEpochStart: (epoch: number) => {
      const done = epoch - 1;
      if (run.checkpointEvery && done > 0 && done % run.checkpointEvery === 0) saveCheckpoint(run, plan, model, done);
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
        saveCheckpoint(run, plan, model, error.epoch - 1, { ...error.position, optimizer, rng });
      } catch (writeError) {
        error.message += `; ${(writeError as Error).message}`;
      }
    }
    throw error;
  }).finally(() => progress.stop());
  manifest.samples_seen = before + result.samplesSeen;
  saveCheckpoint(run, plan, model, settings.epochs);
  for (const [split, e] of Object.entries(result.final)) {
    manifest.final_metrics[name ? `${name}/${split}` : split] = {
      loss: e.loss,
      accuracy: e.accuracy,
      macro_f1: e.macroF1,
    };
  }
  keepForReport(run, plan, { model, initial, final: result.final });
  await experiment.afterArm?.({ arm: name, model, initial, data, runDir: run.files.dir, log: progress.log });
}

/**
 * An arm that finished before the run was interrupted: its rows and final metrics are in the folder already; its
 * final weights are read back and evaluated again for the confusion matrices and the report (the same numbers).
 */
function replayArm(run: Run, plan: ArmPlan): void {
  const { model, initial, backend } = buildArm(run, plan);
  run.progress.stop();
  loadCheckpoint(readCheckpoint(checkpointPath(run.files.dir, plan.name)), model.params());
  const { evaluations, transform } = plan.data;
  const final: Record<string, Evaluation> = {};
  for (const { split, set } of evaluations) {
    final[split] = evaluate(model, set, { transform, loss: run.experiment.loss, backend });
  }
  keepForReport(run, plan, { model, initial, final });
}

/** Keeps an arm's confusion matrices, predictions and pictures for the files {@linkcode finish} writes. */
function keepForReport(
  run: Run,
  plan: ArmPlan,
  trained: { model: Sequential; initial: Map<string, Param["value"]>; final: Record<string, Evaluation> },
): void {
  const { name: arm, data } = plan;
  for (const [split, e] of Object.entries(trained.final)) {
    run.confusions.push({ arm, split, matrix: e.confusion, classNames: [...data.train.classNames] });
  }
  const recorded = recordForReport(trained.model, { arm, initial: trained.initial, data, final: trained.final });
  run.predictions.push(...recorded.predictions);
  run.pictures.push(recorded.pictures);
}

/**
 * Writes an arm's checkpoint after `epoch` whole epochs; when training was interrupted (`stopped`), with what
 * `--resume` needs to go on from there.
 */
function saveCheckpoint(
  run: Run,
  plan: ArmPlan,
  model: Sequential,
  epoch: number,
  stopped?: TrainPosition & { optimizer: Optimizer; rng: Rng },
): void {
  const metadata = checkpointMetadata(model, {
    ...plan,
    experiment: run.experiment.name,
    arm: plan.name,
    runId: run.manifest.run_id,
    epoch,
    initFrom: run.init?.file,
  });
  const resume = stopped && resumeState(stopped, { ...stopped, overrides: run.overrides });
  run.files.checkpoint(plan.name, model.params(), {
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
 * Records a divergence: the steps before the non-finite loss count as samples seen, and a `train` row at that step
 * holds the loss (its accuracy NaN), so a run that diverged before its first logged interval still shows what it did.
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
 * Writes charts, evaluation table, confusion matrices, predictions and pictures, then `report.html`, then the
 * manifest with its end time; a failed write turns a completed run into a failed one and is named in
 * `status_detail`, never thrown. Prints the charts of a single-arm run unless quiet.
 */
async function finish(run: Run, options: { quiet: boolean; terminal: boolean }): Promise<RunOutcome> {
  const { files, manifest, rows } = run;
  const failed = (problem: string) => {
    if (manifest.status === "completed") manifest.status = "failed";
    manifest.status_detail = [manifest.status_detail, problem].filter((p) => p).join("; then ");
  };
  const charts = chartsOf(rows, { color: false });
  const table = rows.some((r) => r.split !== "train") ? evaluationTable(rows) : "";
  const outputs: [RunFile, () => string][] = [
    ["charts", () => charts + "\n"],
    ["evaluations", () => table && table + "\n"],
    ["confusion", () => confusionCsv(run.confusions)],
    ["predictions", () => predictionsCsv(run.predictions)],
    ["pictures", () => JSON.stringify({ imageSize: run.imageSize, arms: run.pictures })],
  ];
  const problems: string[] = [];
  for (const [file, content] of outputs) {
    try {
      files.put(file, content());
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) failed(problems.join("; then "));
  const ended = new Date();
  manifest.ended_at = ended.toISOString();
  manifest.wall_seconds = (ended.getTime() - Date.parse(manifest.started_at)) / 1000;
  try {
    await writeRunReport(files.dir, { manifest, put: (name, text) => files.put(name, text) });
  } catch (error) {
    failed(`${RUN_FILES.report}: ${(error as Error).message}`);
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
  const { epoch, step, stepsPerEpoch, loss, accuracy } = log;
  return `epoch ${epoch} step ${step}/${stepsPerEpoch}: loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(4)}`;
}
