/**
 * The part of npm `cli-progress` (which ships no types) that the progress bar uses. Declared here rather than taken
 * from `@types/cli-progress`, which pulls in all of `@types/node` (3 MB more for every first run, and types that
 * `deno doc --lint` cannot resolve).
 *
 * @module
 */

/** The default export of `cli-progress`. */
declare namespace cliProgress {
  /** A bar's layout: `format` holds `{bar}`, `{percentage}`, `{value}`, `{total}`, `{eta_formatted}` and payload keys. */
  interface Options {
    format?: string;
    hideCursor?: boolean;
    etaBuffer?: number;
  }

  /** The characters a bar is drawn with. */
  interface Preset {
    barCompleteChar: string;
    barIncompleteChar: string;
  }

  /** One progress bar on the terminal. */
  class SingleBar {
    constructor(options: Options, preset?: Preset);
    /** Draws the bar at `value` of `total`, with the payload's keys for the format. */
    start(total: number, value: number, payload?: Record<string, unknown>): void;
    /** Moves the bar to `value`, updating the payload. */
    update(value: number, payload?: Record<string, unknown>): void;
    /** Stops redrawing and leaves the bar as it is. */
    stop(): void;
  }

  /** The library's preset looks. */
  const Presets: { legacy: Preset };
}
export default cliProgress;
