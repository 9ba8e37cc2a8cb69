/**
 * What a run prints as it trains: a bar with rate and ETA on a terminal (npm `cli-progress`) under the lines logged,
 * the lines alone otherwise, nothing when quiet; and Keras's line at the end of each epoch.
 *
 * @module
 */
// @ts-types="./cli_progress.d.ts"
import cliProgress from "cli-progress";
import type { MetricsRow } from "../run/mod.ts";

/** Reports training progress. */
export interface Progress {
  /** Starts a phase of `total` samples, e.g. one arm's training. */
  start(label: string, total: number): void;
  /** Samples done so far in the phase, and a line describing the latest interval (shown on the bar only). */
  update(done: number, line: string): void;
  /** A line to show above the bar (or alone). */
  log(line: string): void;
  /** Ends the phase. */
  stop(): void;
}

/** Picks the display: a bar when stdout is a terminal, the logged lines alone otherwise, nothing when quiet. */
export function createProgress(options: { quiet: boolean; terminal: boolean }): Progress {
  if (!options.terminal || options.quiet) {
    return { start() {}, update() {}, log: (line) => options.quiet || console.log(line), stop() {} };
  }
  let bar: cliProgress.SingleBar | null = null;
  let startedAt = 0;
  return {
    start(label, total) {
      startedAt = performance.now();
      bar = new cliProgress.SingleBar({
        format: `${label} [{bar}] {percentage}% | {value}/{total} samples | {rate}/s | ETA {eta_formatted} | {line}`,
        hideCursor: true,
        etaBuffer: 50,
      }, cliProgress.Presets.legacy);
      bar.start(total, 0, { rate: "-", line: "" });
    },
    update(done, line) {
      const seconds = (performance.now() - startedAt) / 1000;
      bar?.update(done, { rate: seconds > 0 ? Math.round(done / seconds) : "-", line });
    },
    log(line) {
      if (bar === null) console.log(line);
      else {
        // Clear the bar's line, print, and let the next update redraw it.
        Deno.stdout.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}\n`));
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/**
 * An epoch's line as Keras prints it, from the arm's rows so far: steps, the epoch's time since `start` (its
 * `elapsed_s`; evaluations included) and training images per second, the training loss and accuracy over the epoch,
 * then each evaluation's.
 *
 * @example `1000/1000 - 0.6s - 1859 images/s - loss: 1.1702 - accuracy: 0.6080 - test_loss: 0.7287 - test_accuracy: 0.7570`
 */
export function epochLine(
  rows: MetricsRow[],
  options: { epoch: number; stepsPerEpoch: number; start: number },
): string {
  const { epoch, stepsPerEpoch, start } = options;
  const mine = rows.filter((r) => r.epoch === epoch);
  const train = mine.filter((r) => r.split === "train");
  let seen = rows.findLast((r) => r.split === "train" && r.epoch < epoch)?.samples_seen ?? 0;
  const first = seen, sums = { loss: 0, accuracy: 0 };
  for (const r of train) {
    sums.loss += r.loss * (r.samples_seen - seen); // each interval weighted by its samples
    sums.accuracy += r.accuracy * (r.samples_seen - seen);
    seen = r.samples_seen;
  }
  const last = train.at(-1)!;
  const rate = (seen - first) / Math.max(1e-3, last.elapsed_s - start);
  const fields = [
    `${stepsPerEpoch}/${stepsPerEpoch}`,
    `${(Math.max(...mine.map((r) => r.elapsed_s)) - start).toFixed(1)}s`,
    `${Math.round(rate)} images/s`,
    `loss: ${(sums.loss / (seen - first)).toFixed(4)}`,
    `accuracy: ${(sums.accuracy / (seen - first)).toFixed(4)}`,
    ...mine.filter((r) => r.split !== "train").flatMap((r) => [
      `${r.split}_loss: ${r.loss.toFixed(4)}`,
      `${r.split}_accuracy: ${r.accuracy.toFixed(4)}`,
    ]),
  ];
  return fields.join(" - ");
}
