/**
 * The part of npm `cli-progress` (which ships no types) that the progress bar uses; `@types/cli-progress` would pull
 * in all of `@types/node` (3 MB more for every first run, and types that `deno doc --lint` cannot resolve).
 *
 * @module
 */

/** The default export of `cli-progress`. */
declare namespace cliProgress {
  /** One progress bar on the terminal; `format` holds `{bar}`, `{percentage}`, `{value}`, ... and payload keys. */
  class SingleBar {
    constructor(options: { format?: string; hideCursor?: boolean; etaBuffer?: number }, preset?: Preset);
    /** Draws the bar at `value` of `total`, with the payload's keys for the format. */
    start(total: number, value: number, payload?: Record<string, unknown>): void;
    /** Moves the bar to `value`, updating the payload. */
    update(value: number, payload?: Record<string, unknown>): void;
    /** Stops redrawing and leaves the bar as it is. */
    stop(): void;
  }
  /** The characters a bar is drawn with. */
  interface Preset {
    barCompleteChar: string;
    barIncompleteChar: string;
  }
  /** The library's preset looks. */
  const Presets: { legacy: Preset };
}
export default cliProgress;
