// `deno task compare`: compares runs' metrics, settings and reproducibility, e.g.
// `deno task compare --experiment fashion --group-by lr --markdown`.
import {
  type Command,
  integer,
  oneOf,
  type ParsedArgs,
  path,
  runCli,
  runMain,
  UsageError,
  useColor,
} from "../cli/mod.ts";
import { buildComparison, type Comparison } from "./comparison.ts";
import { loadRuns } from "./load.ts";
import { renderCsv, renderHtml, renderMarkdown, renderText } from "./render.ts";
import { sweepRunFolders } from "../sweep/folders.ts";
import { causeOf, pathKind, writeAllAtomically, type WriteFile } from "../_fs.ts";

const RESULTS = new URL("../../results", import.meta.url).pathname;

const FLAGS = {
  experiment: {
    value: "NAME",
    multiple: true,
    help: "add every run of NAME under the results folder, reference runs\n(results/reference/NAME/) first; repeatable",
  },
  sweep: {
    value: "NAME",
    multiple: true,
    help: "add the latest attempt of every run of the sweep results/sweeps/NAME\n" +
      "(a sweep folder given as an input does the same); repeatable",
  },
  results: { value: "DIR", type: path, defaultText: "the repository's results/", help: "the results folder" },
  baseline: {
    value: "RUN",
    help: "the run the others are compared with, by label, run id or path",
    defaultText: "the first run",
  },
  metric: {
    value: "NAME",
    help: "the charted metric: [train_|validation_|test_|eval_]loss|accuracy|macro_f1\n" +
      "(default: accuracy, i.e. the evaluation accuracy: test rows, or validation rows when\n" +
      "there are more of those)",
  },
  x: { value: "AXIS", type: oneOf(["epoch", "samples"]), default: "epoch", help: "the chart's x axis" },
  "group-by": {
    value: "KEYS",
    multiple: true,
    help: "comma-separated settings that define a group (default: every setting but seed),\n" +
      "and chart each group's mean ± standard deviation; repeatable. Runs of different\n" +
      "experiments, data or arms are never grouped together",
  },
  "include-incomplete": {
    help: "count runs that did not complete (failed, interrupted, diverged, running) in the group statistics",
  },
  ignore: {
    value: "KEYS",
    multiple: true,
    help: "comma-separated settings left out of the diff, the reproducibility pairing and the grouping; repeatable",
  },
  markdown: { help: "write Markdown" },
  html: {
    value: "FILE",
    type: path,
    help: "also write the comparison as a self-contained HTML page to FILE (charts as SVG;\n" +
      "their Vega-Lite specs in FILE's name less .html, plus -charts/)",
  },
  csv: {
    help: "write CSV: one row per run, or per group and metric when --group-by is given\n(warnings go to stderr)",
  },
  height: { value: "N", type: integer(2, 100), default: 10, help: "the chart's height in rows" },
  "no-color": { help: "no colours even on a terminal (NO_COLOR works too)" },
} as const;

/** The command: its flag table and --help text. */
export const COMPARE: Command<typeof FLAGS> = {
  task: "compare",
  usage: "<run folder | metrics CSV | glob>...",
  positionals: { min: 0 },
  about: `Compares runs: final metrics with differences from a baseline, the settings
and data that differ (from manifest.json), reproducibility verdicts for runs
sharing experiment, settings and seed, statistics over the seeds of completed
runs, and a chart.

Inputs: a run folder (metrics.csv and manifest.json), a folder of run folders,
a metrics CSV (its folder's manifest.json is read if present), or a quoted
glob such as 'results/fashion/*'. Multi-arm runs give one row per arm,
labelled <run>/<arm>.`,
  flags: FLAGS,
  notes: `Exit status: 0 when runs were compared (warnings included), 1 when no run could
be read, 2 for a bad option or an --html page that could not be written (the
comparison is printed all the same; a page and specs written before are kept).`,
};

/** What the command printed (`stderr`: errors, and warnings in CSV mode) and its exit status. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where the command runs: a terminal (colour the chart), NO_COLOR, and how `--html`'s files are written. */
export interface CliEnvironment {
  isTerminal?: boolean;
  noColor?: boolean;
  write?: WriteFile;
}

/** Runs the command on `args` without touching standard output, for tests and for `main.ts` itself. */
export async function compareCli(args: string[], environment: CliEnvironment = {}): Promise<CliResult> {
  let result: CliResult = { code: 0, stdout: "", stderr: "" };
  const err: string[] = [];
  const code = await runCli(COMPARE, args, {
    run: async (parsed) => (result = await compare(parsed, environment)).code,
    out: (text) => result.stdout = text + "\n",
    err: (text) => err.push(text + "\n"),
  });
  return { code, stdout: result.stdout, stderr: result.stderr + err.join("") };
}

/** Loads the runs, compares them and renders the comparison as the flags ask. */
async function compare(parsed: ParsedArgs<typeof FLAGS>, environment: CliEnvironment): Promise<CliResult> {
  const flags = parsed.values;
  if (flags.markdown && flags.csv) {
    throw new UsageError("--markdown and --csv exclude each other", { hint: "give one" });
  }
  const groupBy = splitList(flags["group-by"]), resultsDir = flags.results ?? RESULTS;
  const sweeps = (flags.sweep ?? []).map((name) => `${resultsDir}/sweeps/${name}`);
  const inputs = [...sweeps, ...parsed.positionals].flatMap((input) => sweepRunFolders(input) ?? [input]);
  if (inputs.length === 0 && flags.experiment === undefined) {
    throw new UsageError("no runs given", {
      hint: "give a run folder, metrics CSV, glob or sweep, or --experiment NAME",
    });
  }
  const loaded = await loadRuns(inputs, { experiments: flags.experiment, resultsDir });
  const warnings = loaded.warnings.map((w) => `warning: ${w}\n`).join("");
  if (loaded.arms.length === 0) {
    return { code: 1, stdout: "", stderr: `${warnings}compare: no run could be read (check the paths above)\n` };
  }
  let comparison;
  try {
    comparison = buildComparison(loaded, {
      baseline: flags.baseline,
      metric: flags.metric,
      x: flags.x,
      groupBy,
      ignore: splitList(flags.ignore) ?? [],
      includeIncomplete: flags["include-incomplete"],
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const chartHeight = flags.height!;
  const terminal = environment.isTerminal ?? false;
  const color = useColor({ terminal, noColor: environment.noColor, noColorFlag: flags["no-color"] });
  const stdout = flags.csv
    ? renderCsv(comparison, { groups: groupBy !== undefined })
    : flags.markdown
    ? renderMarkdown(comparison, { chartHeight })
    : renderText(comparison, { color, chartHeight });
  const html = flags.html === undefined ? { code: 0, note: "" } : await writeHtml(comparison, flags.html, environment);
  return { code: html.code, stdout, stderr: (flags.csv ? warnings : "") + html.note };
}

/** Writes the HTML page and its charts' specs, all or none; returns the line that says where, or why not. */
async function writeHtml(
  comparison: Comparison,
  file: string,
  options: { write?: WriteFile },
): Promise<{ code: number; note: string }> {
  const specDir = `${file.replace(/\.html?$/, "")}-charts`;
  const { html, specs } = await renderHtml(comparison, { specDir: specDir.slice(specDir.lastIndexOf("/") + 1) });
  const made = (await pathKind(specDir)) !== "directory";
  try {
    if (made) Deno.mkdirSync(specDir); // beside the page: its folder must exist
    const specFiles = [...specs].map(([name, spec]) =>
      [`${specDir}/${name}.vl.json`, JSON.stringify(spec, null, 1) + "\n"] as const
    );
    writeAllAtomically([...specFiles, [file, html]], { write: options.write });
  } catch (error) {
    if (made) await Deno.remove(specDir).catch(() => {}); // nothing there, or not empty
    const hint = "the comparison is printed; give --html a path in a folder that exists and can be written";
    return { code: 2, note: `compare: cannot write --html ${file}: ${causeOf(error)} (${hint})\n` };
  }
  return {
    code: 0,
    note: `HTML report: ${file} (${(html.length / 1024).toFixed(0)} KiB), chart specs in ${specDir}/\n`,
  };
}

/** `["a,b", "c"]` -> `["a", "b", "c"]`; undefined stays undefined. */
function splitList(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.flatMap((value) => value.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

/** Writes all of `text`; `write` may take only part of it. */
async function writeAll(stream: { write(p: Uint8Array): Promise<number> }, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset < bytes.length;) offset += await stream.write(bytes.subarray(offset));
}

if (import.meta.main) {
  await runMain(async (args) => {
    const result = await compareCli(args, { isTerminal: Deno.stdout.isTerminal() });
    await writeAll(Deno.stdout, result.stdout);
    await writeAll(Deno.stderr, result.stderr);
    return result.code;
  });
}
