/**
 * `deno task compare`: compares runs' metrics, settings and reproducibility.
 *
 * ```sh
 * deno task compare results/fashion/run-a results/fashion/run-b
 * deno task compare --experiment fashion --group-by lr --markdown
 * deno task compare 'results/fashion/*' --metric train_loss --x samples --csv
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { buildComparison, type XAxis } from "./comparison.ts";
import { loadRuns } from "./load.ts";
import { renderMarkdown, renderText } from "./render.ts";
import { renderCsv } from "./render_csv.ts";
import { renderHtml } from "./render_html.ts";
import { sweepRunFolders } from "../sweep/folders.ts";

/** The `--help` text. */
export const HELP = `Usage: deno task compare [options] <run folder | metrics CSV | glob>...

Compares runs: final metrics with differences from a baseline, the settings
and data that differ (from manifest.json), reproducibility verdicts for runs
sharing experiment, settings and seed, statistics over the seeds of completed
runs, and a chart.

Inputs: a run folder (metrics.csv and manifest.json), a folder of run folders,
a metrics CSV (its folder's manifest.json is read if present), or a quoted
glob such as 'results/fashion/*'. Multi-arm runs give one row per arm,
labelled <run>/<arm>.

Options:
  --experiment NAME   add every run of NAME under the results folder, reference
                      runs (results/reference/NAME/) first; repeatable
  --sweep NAME        add the latest attempt of every run of the sweep
                      results/sweeps/NAME (a sweep folder given as an input
                      does the same); repeatable
  --results DIR       the results folder (default: results)
  --baseline RUN      the run the others are compared with, by label, run id or
                      path (default: the first run)
  --metric NAME       the charted metric: [train_|validation_|test_|eval_]
                      loss|accuracy|macro_f1 (default: accuracy, i.e. the
                      evaluation accuracy: test rows, or validation rows when
                      there are more of those)
  --x epoch|samples   the chart's x axis (default: epoch)
  --group-by KEYS     comma-separated settings that define a group (default:
                      every setting but seed), and chart each group's mean ±
                      standard deviation; repeatable. Runs of different
                      experiments, data or arms are never grouped together
  --include-incomplete  count runs that did not complete (failed, interrupted,
                      diverged, running) in the group statistics
  --ignore KEYS       comma-separated settings left out of the diff, the
                      reproducibility pairing and the grouping; repeatable
  --markdown          write Markdown
  --html FILE         also write the comparison as a self-contained HTML page
                      to FILE (charts as SVG; their Vega-Lite specs in
                      FILE's name less .html, plus -charts/)
  --csv               write CSV: one row per run, or per group and metric when
                      --group-by is given (warnings go to stderr)
  --height N          the chart's height in rows (default: 10)
  --no-color          no colours even on a terminal (NO_COLOR works too)
  -h, --help          show this text

Exit status: 0 when runs were compared (warnings included), 1 when no run could
be read, 2 for a bad option.`;

/** What the command printed and how it ended. */
export interface CliResult {
  /** The exit status: 0 compared, 1 no run readable, 2 bad usage. */
  code: number;
  /** The report. */
  stdout: string;
  /** Errors, and warnings in CSV mode. */
  stderr: string;
}

/** Where the command runs. */
export interface CliEnvironment {
  /** True when standard output is a terminal (colour the chart). */
  isTerminal?: boolean;
  /** True when NO_COLOR is set. */
  noColor?: boolean;
}

/**
 * Runs the command on `args` without touching standard output, for tests
 * and for `main.ts` itself.
 *
 * @param args the command-line arguments.
 * @param environment whether output is a terminal and NO_COLOR is set.
 */
export async function compareCli(
  args: string[],
  environment: CliEnvironment = {},
): Promise<CliResult> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        experiment: { type: "string", multiple: true },
        results: { type: "string" },
        sweep: { type: "string", multiple: true },
        baseline: { type: "string" },
        metric: { type: "string" },
        x: { type: "string" },
        "group-by": { type: "string", multiple: true },
        ignore: { type: "string", multiple: true },
        "include-incomplete": { type: "boolean" },
        markdown: { type: "boolean" },
        csv: { type: "boolean" },
        html: { type: "string" },
        height: { type: "string" },
        "no-color": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const flags = parsed.values;
  if (flags.help) return { code: 0, stdout: HELP + "\n", stderr: "" };
  if (flags.x !== undefined && flags.x !== "epoch" && flags.x !== "samples") {
    return usage(
      `--x must be epoch or samples, got ${JSON.stringify(flags.x)}`,
    );
  }
  if (flags.markdown && flags.csv) {
    return usage("--markdown and --csv exclude each other; give one");
  }
  const height = flags.height === undefined ? 10 : Number(flags.height);
  if (!Number.isInteger(height) || height < 2 || height > 100) {
    return usage(
      `--height must be an integer from 2 to 100, got ${JSON.stringify(flags.height)}`,
    );
  }
  const groupBy = splitList(flags["group-by"]);
  const ignore = splitList(flags.ignore) ?? [];
  const sweeps = (flags.sweep ?? []).map((name) => `${flags.results ?? "results"}/sweeps/${name}`);
  const inputs = [...sweeps, ...parsed.positionals].flatMap((input) => sweepRunFolders(input) ?? [input]);
  if (inputs.length === 0 && flags.experiment === undefined) {
    return usage(
      "give at least one run folder, metrics CSV, glob or sweep, or --experiment NAME",
    );
  }

  const loaded = await loadRuns(inputs, {
    experiments: flags.experiment,
    resultsDir: flags.results,
  });
  if (loaded.arms.length === 0) {
    const warnings = loaded.warnings.map((w) => `warning: ${w}\n`).join("");
    return {
      code: 1,
      stdout: "",
      stderr: `${warnings}error: no run could be read\n`,
    };
  }
  let comparison;
  try {
    comparison = buildComparison(loaded, {
      baseline: flags.baseline,
      metric: flags.metric,
      x: flags.x as XAxis | undefined,
      groupBy,
      ignore,
      includeIncomplete: flags["include-incomplete"],
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  let note = "";
  if (flags.html !== undefined) {
    try {
      note = await writeHtml(comparison, flags.html);
    } catch (error) {
      return { code: 1, stdout: "", stderr: `error: --html ${flags.html}: ${(error as Error).message}\n` };
    }
  }
  if (flags.csv) {
    return {
      code: 0,
      stdout: renderCsv(comparison, { groups: groupBy !== undefined }),
      stderr: loaded.warnings.map((w) => `warning: ${w}\n`).join("") + note,
    };
  }
  if (flags.markdown) {
    return {
      code: 0,
      stdout: renderMarkdown(comparison, { chartHeight: height }),
      stderr: note,
    };
  }
  const color = (environment.isTerminal ?? false) &&
    !(environment.noColor ?? false) && !flags["no-color"];
  return {
    code: 0,
    stdout: renderText(comparison, { color, chartHeight: height }),
    stderr: note,
  };
}

/** Writes the HTML page and its charts' specs; returns the line that says where. */
async function writeHtml(comparison: Parameters<typeof renderHtml>[0], file: string): Promise<string> {
  const stem = file.replace(/\.html?$/, "");
  const specDir = `${stem}-charts`;
  const base = specDir.slice(specDir.lastIndexOf("/") + 1);
  const { html, specs } = await renderHtml(comparison, { specDir: base });
  await Deno.writeTextFile(file, html);
  await Deno.mkdir(specDir, { recursive: true });
  for (const [name, spec] of specs) {
    await Deno.writeTextFile(`${specDir}/${name}.vl.json`, JSON.stringify(spec, null, 1) + "\n");
  }
  return `HTML report: ${file} (${(html.length / 1024).toFixed(0)} KiB), chart specs in ${specDir}/\n`;
}

function usage(message: string): CliResult {
  return {
    code: 2,
    stdout: "",
    stderr: `error: ${message}\nRun with --help for the options.\n`,
  };
}

/** `["a,b", "c"]` -> `["a", "b", "c"]`; undefined stays undefined. */
function splitList(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.flatMap((value) => value.split(",")).map((v) => v.trim())
    .filter((v) => v !== "");
}

/** Writes all of `text`; `write` may take only part of it. */
async function writeAll(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset < bytes.length;) {
    offset += await stream.write(bytes.subarray(offset));
  }
}

if (import.meta.main) {
  const result = await compareCli(Deno.args, {
    isTerminal: Deno.stdout.isTerminal(),
    noColor: Deno.noColor,
  });
  await writeAll(Deno.stdout, result.stdout);
  await writeAll(Deno.stderr, result.stderr);
  Deno.exit(result.code);
}
