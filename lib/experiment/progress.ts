/**
 * Progress display: a bar with rate and ETA on a terminal (npm `cli-progress`),
 * plain periodic lines otherwise, nothing when quiet.
 *
 * @module
 */
// @ts-types="./cli_progress.d.ts"
import cliProgress from "cli-progress";

/** Reports training progress. */
export interface Progress {
  /** Starts a phase of `total` samples, e.g. one arm's training. */
  start(label: string, total: number): void;
  /** Samples done so far in the phase, and a line describing the latest interval. */
  update(done: number, line: string): void;
  /** A line to show above the bar (or alone). */
  log(line: string): void;
  /** Ends the phase. */
  stop(): void;
}

/** Picks the display: a bar when stdout is a terminal, plain lines otherwise, nothing when quiet. */
export function createProgress(options: { quiet: boolean; terminal: boolean; plainEvery?: number }): Progress {
  if (options.quiet) return { start() {}, update() {}, log() {}, stop() {} };
  if (!options.terminal) {
    return {
      start: (label, total) => console.log(`${label}: ${total} samples`),
      update: (_done, line) => console.log(line),
      log: (line) => console.log(line),
      stop() {},
    };
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
