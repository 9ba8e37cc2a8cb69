/**
 * The settings that differ between runs, read from their manifests.
 *
 * @module
 */
import type { SettingValue } from "../run/mod.ts";

/** What `diffSettings` needs of a run. */
export interface SettingsSource {
  /** The experiment, from the manifest (null when unknown). */
  experiment: string | null;
  /** The data read (see `dataIdentity`), null when unknown. */
  data?: string | null;
  /** The settings, or null when the run has no readable manifest. */
  settings: Record<string, SettingValue> | null;
}

/** One setting whose value is not the same in every run. */
export interface SettingDifference {
  /** The setting's name (`experiment` and `data` when those differ). */
  key: string;
  /** Its value in each run, in run order; undefined when the run lacks it or has no manifest. */
  values: (SettingValue | undefined)[];
}

/** Options of `diffSettings`. */
export interface DiffOptions {
  /** Settings to leave out (e.g. output paths that differ by design). */
  ignore?: readonly string[];
}

/**
 * The settings whose values are not all equal, in key order (`experiment`
 * and `data` first when they differ). Runs without settings take no part in deciding
 * what differs.
 *
 * @param arms the arms, in table order.
 * @param options settings to ignore.
 */
export function diffSettings(arms: readonly SettingsSource[], options: DiffOptions = {}): SettingDifference[] {
  const ignore = new Set(options.ignore ?? []);
  const known = arms.filter((arm) => arm.settings !== null);
  const differences: SettingDifference[] = [];
  for (const key of ["experiment", "data"] as const) {
    if (new Set(known.map((arm) => arm[key] ?? null)).size > 1) {
      differences.push({ key, values: arms.map((arm) => arm[key] ?? undefined) });
    }
  }
  const keys = [...new Set(known.flatMap((arm) => Object.keys(arm.settings!)))]
    .sort();
  for (const key of keys) {
    if (ignore.has(key)) continue;
    const seen = new Set(known.map((arm) => settingKey(arm.settings![key])));
    if (seen.size > 1) {
      differences.push({ key, values: arms.map((arm) => arm.settings?.[key]) });
    }
  }
  return differences;
}

/** A string that is equal for equal setting values (missing included). */
export function settingKey(value: SettingValue | undefined): string {
  return value === undefined ? "\u0000missing" : JSON.stringify(value);
}

/** Settings as one comparable string: keys sorted, ignored keys left out. */
export function settingsKey(settings: Record<string, SettingValue>, ignore: readonly string[] = []): string {
  const keys = Object.keys(settings).filter((key) => !ignore.includes(key))
    .sort();
  return JSON.stringify(keys.map((key) => [key, settings[key]]));
}
