/**
 * Private helpers of `lib/data`: path pieces and small checks.
 *
 * @module
 */

/** The index of the first label `>= classes`, or -1 when all are in range. */
export function firstLabelAtLeast(labels: Uint8Array, classes: number): number {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) return i;
  }
  return -1;
}

/** The last component of a path (`/a/b.gz` -> `b.gz`), `/` or `\` separated. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A `Uint8Array` view of the same bytes (a Node `Buffer` becomes a plain array view). */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
