/**
 * A run as a user types it: each setting as its flag ("all", not null), the
 * command line that reproduces the run, and paths relative to the repository
 * (so a committed report names no folder of the machine that made it).
 *
 * @module
 */
import { isAbsolute, relative } from "node:path";
import { dataDirEnvVar, type DatasetName } from "../../data/mod.ts";
import type { Manifest, SettingValue } from "../../run/mod.ts";
import { experimentTask, shellLine } from "../../cli/mod.ts";
import { PROJECT_ROOT as REPO_ROOT } from "../../_fs.ts";

/** Settings the experiment fixes, with no flag to change them. */
const FIXED = new Set(["dataset", "order"]);

/** One setting of a run: its name, its value as typed, and the flag that sets it (none when none is typed). */
export interface TypedSetting {
  /** The setting, as the manifest names it (`train_limit`, `keras.lr`). */
  name: string;
  /** The value as a user types it: `all` for no limit, `on`/`off` for a switch. */
  value: string;
  /** The words that set it on the command line; none when no flag is typed (and `why` says why). */
  words: string[];
  /** Why no flag is typed, when none is. */
  why?: string;
}

/**
 * A path as shown in a report: relative to the repository (`datasets/fashion-mnist`,
 * `../data/mnist`); a path that is already relative is kept.
 *
 * @param path a file or folder the manifest names.
 * @param root the repository (default: the one holding this code).
 */
export function repoPath(path: string, root: string = REPO_ROOT): string {
  return isAbsolute(path) ? relative(root, path) || "." : path;
}

/** A setting's value as typed: `all` for a null limit, `on`/`off`, numbers as `String()` writes them. */
function typedValue(value: SettingValue): string {
  if (value === null) return "all";
  if (typeof value === "boolean") return value ? "on" : "off";
  return String(value);
}

/**
 * Every setting of the manifest with the flag a user types for it. Settings
 * an arm sets for itself (`keras.lr`) and those of the experiment (`order`) have no flag; a setting that differs
 * between arms is not typed either, since a flag would set it for every arm.
 *
 * @param settings `manifest.settings`.
 */
export function typedSettings(settings: Manifest["settings"]): TypedSetting[] {
  const perArm = new Set(Object.keys(settings).filter((k) => k.includes(".")).map((k) => k.split(".").pop()!));
  return Object.entries(settings).map(([name, raw]): TypedSetting => {
    const value = typedValue(raw);
    if (name.includes(".")) return { name, value, words: [], why: "this arm's own setting" };
    if (FIXED.has(name)) return { name, value, words: [], why: "fixed by the experiment" };
    if (perArm.has(name)) return { name, value, words: [], why: "differs between arms" };
    if (name === "arms") return { name, value, words: ["--arm", value] };
    if (name.startsWith("flag_")) return { name, value, words: raw === true ? [`--${name.slice(5)}`] : [] };
    return { name, value, words: [`--${name.replaceAll("_", "-")}`, value] };
  });
}

/**
 * The command line that reproduces the run: the one the manifest recorded
 * (`command`, when the runner wrote one), else one made from the experiment's
 * name and settings, with the data folder as it was given (`MNIST_DATA_DIR=...` or `--data-dir`).
 *
 * @param manifest the run's manifest.
 * @param options `root`: the repository paths are made relative to (default: this code's).
 */
export function reproduceCommand(manifest: Manifest, options: { root?: string } = {}): string {
  const recorded = (manifest as { command?: unknown }).command;
  if (typeof recorded === "string" && recorded) return recorded;
  if (Array.isArray(recorded) && recorded.length) return shellLine(recorded.map(String));
  const env: string[] = [];
  const flags = typedSettings(manifest.settings).flatMap((s) => s.words);
  for (const data of manifest.datasets) {
    const dir = repoPath(data.dir, options.root);
    if (data.source === "env") env.push(`${envVarOf(data.name)}=${dir}`);
    if (data.source === "data-dir") flags.push("--data-dir", dir);
    if (data.modified) flags.push("--allow-modified-data");
  }
  if (manifest.init_from) flags.push("--init-from", repoPath(manifest.init_from.file, options.root));
  return shellLine([...env, ...experimentTask(manifest.experiment), ...flags]);
}

/** The data folder's environment variable, also for a dataset this code no longer knows. */
function envVarOf(dataset: string): string {
  try {
    return dataDirEnvVar(dataset as DatasetName);
  } catch {
    return `${dataset.toUpperCase().replaceAll("-", "_")}_DATA_DIR`;
  }
}
