/**
 * Small grey images as inline PNG data URIs, upscaled by repeating pixels
 * (nearest neighbour) so they stay crisp at any zoom.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { encode } from "fast-png";

/** Options of {@linkcode pngDataUri}. */
export interface PngOptions {
  /** Columns of `values`. */
  width: number;
  /** Rows of `values`. */
  height: number;
  /** Output pixels per value, each way; default 4. */
  scale?: number;
  /** Values mapped to black and white; default the values' own minimum and maximum. */
  range?: [number, number];
}

/**
 * Encodes row-major grey values as a PNG data URI.
 *
 * @param values `height * width` numbers; non-finite ones are drawn black.
 * @param options size, upscaling and value range.
 * @returns `data:image/png;base64,...`.
 */
export function pngDataUri(values: ArrayLike<number>, options: PngOptions): string {
  const { width, height } = options;
  const scale = options.scale ?? 4;
  const finite = Array.from(values).filter(Number.isFinite);
  const [low, high] = options.range ?? [Math.min(...finite), Math.max(...finite)];
  const span = high - low || 1;
  const out = new Uint8Array(width * height * scale * scale);
  for (let r = 0; r < height * scale; r++) {
    for (let c = 0; c < width * scale; c++) {
      const v = values[Math.floor(r / scale) * width + Math.floor(c / scale)]!;
      out[r * width * scale + c] = Number.isFinite(v)
        ? Math.round(Math.min(1, Math.max(0, (v - low) / span)) * 255)
        : 0;
    }
  }
  const png = encode({ width: width * scale, height: height * scale, data: out, channels: 1, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}
