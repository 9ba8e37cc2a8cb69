/**
 * Downloading one file into the cache: SHA-256 checked before it lands,
 * written atomically (a temporary file beside it, then a rename), with one
 * retry on the next mirror.
 *
 * @module
 */

import { writeAtomically } from "../_fs.ts";
import { sha256Hex } from "./checksum.ts";
import { messageOf } from "./_util.ts";

/** Options of {@linkcode downloadVerified}. */
export interface DownloadOptions {
  /** Accepted SHA-256 sums; bytes matching none are discarded and the next address tried. */
  readonly expected: readonly string[];
  /** Give up on one address after this many milliseconds. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Told of each attempt before it starts. */
  readonly log?: (line: string) => void;
}

/** What a download did: whether a verified file landed, and one line per attempt. */
export interface DownloadResult {
  /** True when the file was written. */
  readonly ok: boolean;
  /** One line per address tried, `download <url>: <outcome>`. */
  readonly attempts: readonly string[];
}

/** `base` and `name` joined with exactly one `/`. */
export function joinUrl(base: string, name: string): string {
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (controller.signal.aborted) {
      throw new Error(`no answer within ${timeoutMs} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads a file from the first address, and on any failure (network,
 * HTTP status, checksum) retries once on the second; further addresses are
 * not tried. Only bytes whose SHA-256 is expected are written to `dest`.
 *
 * @param urls The addresses, in order; at most the first two are tried.
 * @param dest Where the file lands.
 * @param options Accepted sums, timeout, log.
 * @returns Whether it landed, and what each attempt did.
 */
export async function downloadVerified(
  urls: readonly string[],
  dest: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const attempts: string[] = [];
  for (const url of urls.slice(0, 2)) {
    options.log?.(`downloading ${url}`);
    let bytes: Uint8Array;
    try {
      bytes = await fetchBytes(url, options.timeoutMs ?? 600_000);
    } catch (error) {
      attempts.push(`download ${url}: ${messageOf(error)}`);
      continue;
    }
    const sha256 = sha256Hex(bytes);
    if (!options.expected.includes(sha256)) {
      attempts.push(
        `download ${url}: got ${bytes.length} bytes with SHA-256 ${sha256}, expected ` +
          `${options.expected.join(" or ")}; discarded`,
      );
      continue;
    }
    try {
      writeAtomically(dest, bytes);
    } catch (error) {
      attempts.push(`download ${url}: verified, but cannot write ${dest}: ${messageOf(error)}`);
      return { ok: false, attempts };
    }
    attempts.push(`download ${url}: verified, saved as ${dest}`);
    return { ok: true, attempts };
  }
  return { ok: false, attempts };
}
