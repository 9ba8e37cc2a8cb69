/**
 * What a run prints as it ends: its final metrics in one compact table, how it ended, its report as a `file://` URL,
 * and the commands to go on with, as the user would type them (compare, predict, serve; `--resume` for an interrupted
 * run).
 *
 * @module
 */
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_RESULTS_ROOT, type Manifest, runFile } from "../run/mod.ts";
import { envPrefix, experimentTask, shellLine } from "../cli/mod.ts";
import { PROJECT_ROOT } from "../_fs.ts";
import { dataDirEnvVar, type DatasetName } from "../data/mod.ts";
import type { RunControls } from "./settings.ts";

/**
 * The words of `deno run` for `deno task exp <name>` (or `options.script`, an experiment file's absolute path), for
 * an output folder `out` the task itself may not write: the `exp` task's permissions from `deno.json`, its write
 * list made absolute plus `out` (every permission, `-A`, without such a task); the experiment's own flags not included.
 */
export function experimentCommand(name: string, out: string, options: { script?: string } = {}): string[] {
  let permissions = ["-A"];
  try {
    const task: string = JSON.parse(Deno.readTextFileSync(`${PROJECT_ROOT}deno.json`)).tasks.exp;
    permissions = task.split(" ").filter((word) => word.startsWith("--allow-")).map((word) =>
      word.startsWith("--allow-write=")
        ? `--allow-write=${[...word.slice(14).split(",").map((dir) => PROJECT_ROOT + dir), out].join(",")}`
        : word
    );
  } catch {
    // No deno.json beside lib/, or no task: every permission.
  }
  const main = `${PROJECT_ROOT}lib/experiment/main.ts`;
  return ["deno", "run", `--config=${PROJECT_ROOT}deno.json`, ...permissions, main, options.script ?? name];
}

/** Where the text goes and how the run ended. */
export interface RunEnd {
  /** Printed on stdout: the table, the report and the next commands of a completed run. */
  out: string;
  /** Printed on stderr: why the run did not complete, what is kept, how to go on. */
  err: string;
}

/** The end of a run's output; `options`: the command line's controls, and where the user ran it. */
export function runEnd(
  outcome: { runDir: string; manifest: Manifest },
  options: { controls: Partial<RunControls>; cwd: string },
): RunEnd {
  const { runDir, manifest: m } = outcome;
  const at = (path: string) => {
    const near = relative(options.cwd, path);
    return near === "" || near.startsWith("..") ? path : near;
  };
  const dir = at(runDir), task = experimentTask(m.experiment).join(" ");
  const arms = Object.keys(m.transforms ?? { "": "" });
  const report = `report: ${pathToFileURL(runFile(runDir, "report")).href}`;
  if (m.status === "completed") {
    const arm = arms.length > 1 ? ` --arm ${arms[0]}` : "";
    const reference = `${DEFAULT_RESULTS_ROOT}/reference/${m.experiment}`;
    const data = m.datasets[0];
    const images = data?.files.find((f) => f.name.startsWith("t10k-images"));
    const next = [
      `deno task compare ${isFolder(reference) ? `${at(reference)} ` : ""}${dir}`,
      `deno task predict ${dir} ${images ? `${at(`${data.dir}/${images.name}`)} --index 0..4` : "IMAGE.png"}${arm}`,
      `deno task serve ${dir}${arm}`,
    ];
    const done = `completed in ${m.wall_seconds?.toFixed(1)} s, ${m.samples_seen} samples seen`;
    return { out: [finalTable(m), done, report, "next:", ...next.map((line) => `  ${line}`)].join("\n"), err: "" };
  }
  const lines = [`exp ${m.experiment}: run ${m.status}: ${m.status_detail}`];
  if (m.samples_seen === 0) lines.push(`nothing was trained; ${runFile(dir, "manifest")} records why`);
  else lines.push(`the rows written so far are kept in ${dir}`, report);
  if (m.status === "interrupted") {
    const { dataDir, dataDirFromEnv, allowModifiedData, checkpointEvery } = options.controls;
    const flags = [
      ...(dataDir && !dataDirFromEnv ? ["--data-dir", at(dataDir)] : []),
      ...(allowModifiedData ? ["--allow-modified-data"] : []),
      ...(checkpointEvery ? ["--checkpoint-every", String(checkpointEvery)] : []),
    ];
    const env = dataDir && dataDirFromEnv ? envPrefix(dataDirEnvVar(m.datasets[0]!.name as DatasetName), dataDir) : "";
    const mayWrite = !relative(DEFAULT_RESULTS_ROOT, runDir).startsWith("..");
    const command = mayWrite
      ? `${task} ${shellLine([...flags, "--resume", dir])}`
      : shellLine([...experimentCommand(m.experiment, runDir), ...flags, "--resume", runDir]);
    lines.push(`go on with: ${env}${command}`);
  }
  return { out: finalTable(m), err: lines.join("\n") };
}

/** The final evaluations, one row per arm and split: loss, accuracy, macro-F1. */
export function finalTable(manifest: Pick<Manifest, "final_metrics">): string {
  const entries = Object.entries(manifest.final_metrics);
  if (entries.length === 0) return "";
  const multiArm = entries.some(([key]) => key.includes("/"));
  const rows = [
    [...(multiArm ? ["arm"] : []), "split", "loss", "accuracy", "macro-F1"],
    ...entries.map(([key, e]) => [...key.split("/"), ...[e.loss, e.accuracy, e.macro_f1].map((v) => v.toFixed(4))]),
  ];
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  return rows.map((row) => row.map((cell, k) => cell.padEnd(widths[k])).join("  ").trimEnd()).join("\n");
}

function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
