/**
 * Runs an experiment: data, arms, training, and everything a run writes to
 * `results/<experiment>/<run id>/`.
 *
 * @module
 */
import { type DatasetName, loadDataset, takeFirst } from "../data/mod.ts";
import { Adam, Momentum, type Optimizer, Sgd } from "../optim/mod.ts";
import { type FinalMetrics, type Manifest, MetricsCsv, type MetricsRow, writeManifest } from "../report/mod.ts";
import { createRng } from "../rng/mod.ts";
import type { Param } from "../tensor/mod.ts";
import { DivergedError, type EvaluationLog, InterruptedError, type IntervalLog, train } from "../train/mod.ts";
import { createRunFolder, gitState, runtimeInfo } from "./environment.ts";
import type { Arm, Experiment, PreparedData } from "./experiment.ts";
import { chartsOf, evaluationTable, recordSettings, writeConfusion } from "./outputs.ts";
import { createProgress } from "./progress.ts";
import type { RunControls, Settings } from "./settings.ts";

/** The results root of this repository: `results/` beside `lib/`. */
export const DEFAULT_RESULTS_ROOT: string = new URL("../../results", import.meta.url).pathname;

/** The repository root, for `git` queries. */
const REPO_ROOT = new URL("../..", import.meta.url).pathname;

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
  /** Stops the run as Ctrl-C would; signals are also listened for. */
  signal?: AbortSignal;
}

/** The optimizer a settings object names, over the model's parameters. */
export function makeOptimizer(params: Param[], settings: Pick<Settings, "optimizer" | "lr">): Optimizer {
  switch (settings.optimizer) {
    case "sgd":
      return new Sgd(params, { lr: settings.lr });
    case "momentum":
      return new Momentum(params, { lr: settings.lr });
    case "adam":
      return new Adam(params, { lr: settings.lr });
  }
}

/**
 * Runs `experiment` with its defaults plus `options.overrides`, writing
 * `metrics.csv` (row by row, as training goes), `charts.txt`,
 * `confusion.csv` and `manifest.json` into a new run folder.
 *
 * Ends with the manifest's status `completed`, `interrupted` (Ctrl-C,
 * SIGTERM or `options.signal`), `diverged` (a non-finite loss) or `failed`
 * (for example, data that could not be loaded); rows written before stay.
 *
 * @param experiment the experiment file's declaration.
 * @param options overrides, controls, terminal, signal.
 * @returns the run folder, the final manifest and the charts.
 * @throws {Error} when the run folder cannot be created (nothing is trained then).
 */
export async function runExperiment(experiment: Experiment, options: RunOptions = {}): Promise<RunOutcome> {
  const overrides = options.overrides ?? {};
  const controls: RunControls = {
    dataDir: null,
    dataDirFromEnv: false,
    allowModifiedData: false,
    out: DEFAULT_RESULTS_ROOT,
    quiet: false,
    arms: [],
    seeds: null,
    ...options.controls,
  };
  const terminal = options.terminal ?? Deno.stdout.isTerminal();
  const allArms: Arm[] = experiment.arms ?? [{ name: "", description: experiment.title }];
  const arms = controls.arms.length ? allArms.filter((a) => controls.arms.includes(a.name)) : allArms;
  const resolve = experiment.resolve ?? ((s: Settings) => s);
  const perArm = new Map<string, Settings>(arms.map((arm) => [
    arm.name,
    resolve({
      ...experiment.defaults,
      ...arm.overrides,
      ...overrides,
      flags: { ...experiment.defaults.flags, ...overrides.flags },
    }),
  ]));
  const seed = perArm.values().next().value!.seed;

  const started = new Date();
  const { dir: runDir, id } = await createRunFolder(controls.out, { experiment: experiment.name, seed, now: started });
  const manifestPath = `${runDir}/manifest.json`;
  const manifest: Manifest = {
    experiment: experiment.name,
    "run_id": id,
    status: "running",
    settings: recordSettings(experiment, perArm),
    datasets: [],
    git: await gitState(REPO_ROOT),
    runtime: runtimeInfo(),
    "started_at": started.toISOString(),
    "ended_at": null,
    "wall_seconds": null,
    "samples_seen": 0,
    "final_metrics": {},
    files: { metrics: "metrics.csv", charts: "charts.txt", confusion: "confusion.csv", evaluations: "evaluations.md" },
  };
  await writeManifest(manifestPath, manifest);
  const metrics = await MetricsCsv.create(`${runDir}/metrics.csv`);
  const progress = createProgress({ quiet: controls.quiet, terminal });
  const say = (line: string) => controls.quiet || progress.log(line);
  const rows: MetricsRow[] = [];
  const record = (row: MetricsRow) => {
    rows.push(row);
    metrics.write(row);
  };

  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort(options.signal?.reason));
  const onSignal = (name: string) => () => abort.abort(`received ${name}`);
  const listeners: [Deno.Signal, () => void][] = Deno.build.os === "windows"
    ? [["SIGINT", onSignal("SIGINT")]]
    : [["SIGINT", onSignal("SIGINT")], ["SIGTERM", onSignal("SIGTERM")]];
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);

  const runStart = performance.now();
  const confusions: { arm: string; split: string; matrix: number[][]; classNames: readonly string[] }[] = [];
  try {
    say(`${experiment.title}\nrun folder: ${runDir}`);
    const loaded = await loadDataset(experiment.dataset as DatasetName, {
      dataDir: controls.dataDir ?? undefined,
      dataDirSource: controls.dataDirFromEnv ? "env" : "flag",
      allowModified: controls.allowModifiedData,
      log: say,
    });
    manifest.datasets = [loaded.record];
    await writeManifest(manifestPath, manifest);
    const sums = loaded.record.modified
      ? "SHA-256 differs from the expected (accepted with --allow-modified-data)"
      : loaded.record.files.every((f) => f.verified)
      ? "SHA-256 verified"
      : "no expected SHA-256 for some files; sums recorded in the manifest";
    say(`data: ${loaded.record.name} from ${loaded.record.dir} (${loaded.record.source}, ${sums})`);

    for (const arm of arms) {
      const settings = perArm.get(arm.name)!;
      const prepared = limit(experiment.prepare(loaded, settings), settings);
      const model = experiment.model({
        rng: createRng(settings.seed).fork(1),
        dtype: "float32",
        arm: arm.name,
        settings,
      });
      const initial = new Map(model.params().map((p) => [p.name, p.value.slice()]));
      const summary = model.summary();
      manifest.models = { ...manifest.models, [arm.name]: summary };
      const label = arm.name ? `[${arm.name}] ` : "";
      say(`${arm.name ? `${label}${arm.description}\n` : ""}${summary}`);
      say(
        `${label}${prepared.train.count} training images; ${
          prepared.evaluations.map((e) => `${e.set.count} ${e.split}`).join(", ")
        }`,
      );
      const stepsPerEpoch = Math.ceil(prepared.train.count / settings.batchSize);
      progress.start(arm.name || experiment.name, stepsPerEpoch * settings.epochs * settings.batchSize);
      const samplesBefore = manifest.samples_seen;
      const result = await train(model, prepared, {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        optimizer: makeOptimizer(model.params(), settings),
        loss: experiment.loss,
        rng: createRng(settings.seed).fork(2),
        order: settings.order,
        logEvery: settings.logEvery,
        signal: abort.signal,
        onEpochStart: (epoch: number) => progress.log(`${label}--- Epoch ${epoch} ---`),
        onInterval: (log: IntervalLog) => {
          manifest.samples_seen = samplesBefore + log.samplesSeen;
          const elapsed = (performance.now() - runStart) / 1000;
          record({
            arm: arm.name,
            split: "train",
            epoch: log.epoch,
            step: log.step,
            samples_seen: log.samplesSeen,
            loss: log.loss,
            accuracy: log.accuracy,
            macro_f1: null,
            elapsed_s: elapsed,
          });
          progress.update(
            log.samplesSeen,
            label + (experiment.formatInterval?.(log, arm.name) ?? defaultInterval(log)),
          );
        },
        onEvaluation: (log: EvaluationLog) => {
          const elapsed = (performance.now() - runStart) / 1000;
          record({
            arm: arm.name,
            split: log.split as MetricsRow["split"],
            epoch: log.epoch,
            step: log.step,
            samples_seen: log.samplesSeen,
            loss: log.loss,
            accuracy: log.accuracy,
            macro_f1: log.macroF1,
            elapsed_s: elapsed,
          });
          progress.log(
            `${label}epoch ${log.epoch} ${log.split}: loss ${log.loss.toFixed(4)}, accuracy ${
              log.accuracy.toFixed(4)
            }, macro-F1 ${log.macroF1.toFixed(4)}`,
          );
        },
      }).finally(() => progress.stop());
      manifest.samples_seen = samplesBefore + result.samplesSeen;
      for (const [split, evaluation] of Object.entries(result.final)) {
        const key = arm.name ? `${arm.name}/${split}` : split;
        manifest.final_metrics[key] = {
          loss: evaluation.loss,
          accuracy: evaluation.accuracy,
          macro_f1: evaluation.macroF1,
        } satisfies FinalMetrics;
        confusions.push({ arm: arm.name, split, matrix: evaluation.confusion, classNames: prepared.train.classNames });
      }
      await experiment.afterArm?.({ arm: arm.name, model, initial, data: prepared, runDir, log: say });
    }
    manifest.status = "completed";
  } catch (error) {
    if (error instanceof InterruptedError) manifest.status = "interrupted";
    else if (error instanceof DivergedError) manifest.status = "diverged";
    else manifest.status = "failed";
    manifest.status_detail = (error as Error).message;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    metrics.close();
  }

  const charts = chartsOf(rows, { color: false });
  await Deno.writeTextFile(`${runDir}/charts.txt`, charts + "\n");
  const table = evaluationTable(rows);
  await Deno.writeTextFile(`${runDir}/evaluations.md`, table + "\n");
  await writeConfusion(`${runDir}/confusion.csv`, confusions);
  const ended = new Date();
  manifest.ended_at = ended.toISOString();
  manifest.wall_seconds = (ended.getTime() - started.getTime()) / 1000;
  await writeManifest(manifestPath, manifest);
  if (!controls.quiet) console.log("\n" + (terminal ? chartsOf(rows, { color: true }) : charts) + "\n\n" + table);
  return { runDir, manifest, charts };
}

/** Applies the train and test limits (first N images). */
function limit(data: PreparedData, settings: Settings): PreparedData {
  return {
    ...data,
    train: settings.trainLimit === null ? data.train : takeFirst(data.train, settings.trainLimit),
    evaluations: data.evaluations.map((e) => ({
      ...e,
      set: settings.testLimit === null ? e.set : takeFirst(e.set, settings.testLimit),
    })),
  };
}

function defaultInterval(log: IntervalLog): string {
  return `epoch ${log.epoch} step ${log.step}/${log.stepsPerEpoch}: loss ${log.loss.toFixed(4)}, accuracy ${
    log.accuracy.toFixed(4)
  }`;
}
