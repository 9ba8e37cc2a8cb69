/**
 * PNG files made by hand for tests: every colour type, bit depth (samples
 * packed, rows padded to whole bytes), palette, tRNS and Adam7 interlacing
 * that PNG allows, and some it does not, which encoders refuse to write.
 *
 * @module
 */
import { crc32, deflateSync } from "node:zlib";

/** What {@linkcode png} writes: samples one per channel per pixel, unpacked, row by row. */
export interface PngParts {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16 (written as given, allowed or not). */
  depth: number;
  /** 0 grey, 2 RGB, 3 indexed, 4 grey+alpha, 6 RGBA (written as given, existing or not). */
  colourType: number;
  /** `width * height * channels` samples, row by row, each below `2 ** depth`. */
  samples: readonly number[];
  /** The PLTE chunk's colours, `[r, g, b]` each; none when absent. */
  palette?: readonly (readonly number[])[];
  /** The tRNS chunk's bytes; none when absent. */
  transparency?: readonly number[];
  /** Adam7 interlacing; default none. */
  interlaced?: boolean;
}

/** The channels of each colour type. */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** One chunk: length, type, data, CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array([...new TextEncoder().encode(type), ...data]);
  const out = new Uint8Array(12 + data.length), view = new DataView(out.buffer);
  view.setUint32(0, data.length), out.set(body, 4), view.setUint32(8 + data.length, crc32(body));
  return out;
}

/** Rows `ys` of columns `xs`, each a filter byte 0 and its samples packed at `depth` bits, big-endian. */
function scanlines(parts: PngParts, ys: number[], xs: number[]): number[] {
  const { depth, width } = parts, channels = CHANNELS[parts.colourType] ?? 1, out: number[] = [];
  for (const y of ys) {
    const bits: number[] = [];
    for (const x of xs) {
      for (let c = 0; c < channels; c++) {
        const v = parts.samples[(y * width + x) * channels + c]!;
        for (let b = depth - 1; b >= 0; b--) bits.push((v >> b) & 1);
      }
    }
    while (bits.length % 8) bits.push(0);
    out.push(0);
    for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => 2 * a + b, 0));
  }
  return out;
}

const range = (from: number, to: number, step: number) =>
  Array.from({ length: Math.max(0, Math.ceil((to - from) / step)) }, (_, i) => from + i * step);

/** A PNG made by hand, so every colour type, bit depth and interlacing PNG allows can be written. */
export function png(parts: PngParts): Uint8Array {
  const { width, height } = parts, header = new Uint8Array(13), view = new DataView(header.buffer);
  view.setUint32(0, width), view.setUint32(4, height);
  header.set([parts.depth, parts.colourType, 0, 0, parts.interlaced ? 1 : 0], 8);
  const passes = parts.interlaced
    ? [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]]
    : [[0, 0, 1, 1]];
  const raw = passes.flatMap(([x0, y0, dx, dy]) => {
    const xs = range(x0!, width, dx!), ys = range(y0!, height, dy!);
    return xs.length && ys.length ? scanlines(parts, ys, xs) : [];
  });
  return new Uint8Array([
    ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    ...chunk("IHDR", header),
    ...(parts.palette ? chunk("PLTE", Uint8Array.from(parts.palette.flat())) : []),
    ...(parts.transparency ? chunk("tRNS", Uint8Array.from(parts.transparency)) : []),
    ...chunk("IDAT", deflateSync(Uint8Array.from(raw))),
    ...chunk("IEND", new Uint8Array()),
  ]);
}
