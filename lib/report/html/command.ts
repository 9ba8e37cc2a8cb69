// A run as a user types it: each setting as its flag ("all", not null), the command line that reproduces the run,
// and paths relative to the repository (so a committed report names no folder of the machine that made it).
import { isAbsolute, relative } from "node:path";
import { dataDirEnvVar, type DatasetName } from "../../data/mod.ts";
import type { Manifest, SettingValue } from "../../run/mod.ts";
import { experimentTask, shellLine } from "../../cli/mod.ts";
import { PROJECT_ROOT } from "../../_fs.ts";

/** Settings the experiment fixes, with no flag to change them. */
const FIXED = new Set(["dataset", "order"]);

/**
 * One setting as the manifest names it (`keras.lr`), its value as typed (`all` for no limit, `on`/`off`), and the
 * words that set it on the command line; none when no flag is typed, and `why` says why.
 */
export interface TypedSetting {
  name: string;
  value: string;
  words: string[];
  why?: string;
}

/** A path relative to the repository `root` (default this code's), e.g. `../data/mnist`; a relative one is kept. */
export function repoPath(path: string, root: string = PROJECT_ROOT): string {
  return isAbsolute(path) ? relative(root, path) || "." : path;
}

/** A setting's value as typed: `all` for a null limit, `on`/`off`, numbers as `String()` writes them. */
function typedValue(value: SettingValue): string {
  if (value === null) return "all";
  if (typeof value === "boolean") return value ? "on" : "off";
  return String(value);
}

/**
 * Every setting with the flag a user types for it; none for an arm's own (`keras.lr`), the experiment's (`order`),
 * or one that differs between arms (a flag would set it for every arm).
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
 * The command line that reproduces the run: the one the manifest recorded, else one made from its experiment and
 * settings, with the data folder as it was given; paths relative to `root` (see `repoPath`).
 */
export function reproduceCommand(manifest: Manifest, options: { root?: string } = {}): string {
  const recorded: unknown = manifest.command;
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
