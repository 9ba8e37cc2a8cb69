/**
 * A minimal reader of (ustar / GNU) tar archives, enough to extract the
 * CIFAR-10 binary archive without a dependency.
 *
 * A tar is a run of 512-byte headers, each followed by its file's data
 * padded to 512 bytes, ended by zero blocks. Each header holds the name
 * (bytes 0..100), the size in octal (124..136), a checksum (148..156, the
 * byte sum of the header with this field read as spaces), a type flag (156)
 * and, in ustar, a name prefix (345..500). GNU long names (type `L`) and pax
 * `path` records (type `x`) are followed; other non-file entries are skipped.
 *
 * @module
 */

const BLOCK = 512;
const decoder = new TextDecoder();

/** One regular file of an archive. */
export interface TarEntry {
  /** Its path inside the archive. */
  readonly name: string;
  /** Its bytes, a view into the archive. */
  readonly data: Uint8Array;
}

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}

function octal(
  bytes: Uint8Array,
  start: number,
  length: number,
  where: string,
): number {
  const text = cString(bytes, start, length).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new Error(`${where}: bad octal field "${text}"`);
  }
  return text === "" ? 0 : parseInt(text, 8);
}

function isZeroBlock(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < offset + BLOCK; i++) {
    if (bytes[i] !== 0) return false;
  }
  return true;
}

/**
 * The regular files of a tar archive, in archive order.
 *
 * @param bytes The whole (uncompressed) archive.
 * @param path The archive's path, for messages.
 * @returns The files, each viewing the archive's bytes.
 * @throws {Error} naming the archive when a header's checksum is wrong or the archive is truncated.
 */
export function tarEntries(bytes: Uint8Array, path: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= bytes.length && !isZeroBlock(bytes, offset)) {
    const where = `tar archive ${path}, header at byte ${offset}`;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) {
      sum += i >= 148 && i < 156 ? 0x20 : bytes[offset + i];
    }
    const recorded = octal(bytes, offset + 148, 8, where);
    if (sum !== recorded) {
      throw new Error(
        `${where}: header checksum ${recorded} does not match ${sum} (corrupt)`,
      );
    }
    const size = octal(bytes, offset + 124, 12, where);
    const type = String.fromCharCode(bytes[offset + 156]);
    const start = offset + BLOCK;
    if (start + size > bytes.length) {
      throw new Error(
        `${where}: entry of ${size} bytes runs past the end of the archive (truncated)`,
      );
    }
    const data = bytes.subarray(start, start + size);
    let name = cString(bytes, offset, 100);
    if (cString(bytes, offset + 257, 6).startsWith("ustar")) {
      const prefix = cString(bytes, offset + 345, 155);
      if (prefix !== "") name = `${prefix}/${name}`;
    }
    if (type === "L") {
      longName = cString(data, 0, data.length);
    } else if (type === "x") {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(decoder.decode(data));
      if (match) longName = match[1];
    } else {
      if (type === "0" || type === "\0") {
        entries.push({ name: longName ?? name, data });
      }
      longName = null;
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset + BLOCK > bytes.length) {
    throw new Error(
      `tar archive ${path}: ends without its closing zero blocks (truncated)`,
    );
  }
  return entries;
}
