/**
 * Images from files, turned into a model's input the way MNIST and
 * Fashion-MNIST images look: grey, light on a dark background, the model's
 * size.
 *
 * @module
 */
import { convertIndexedToRgb, decode } from "fast-png";
import { decodeIdx } from "../data/mod.ts";
import type { GreyImage } from "./input.ts";

/**
 * Decodes a PNG (any bit depth, grey, RGB, indexed, with or without alpha)
 * to grey: luma `0.299 R + 0.587 G + 0.114 B` (as PIL's `L` mode), transparent
 * pixels composited over white, as a viewer shows them.
 *
 * @throws {Error} naming the file when it is not a PNG that can be decoded.
 */
export function decodePngGrey(bytes: Uint8Array, file: string): GreyImage {
  let png;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new Error(`${file}: not a readable PNG (${(error as Error).message})`);
  }
  const { width, height } = png;
  const data = png.palette ? convertIndexedToRgb(png) : png.data;
  const max = png.palette ? 255 : 2 ** png.depth - 1;
  const channels = data.length / (width * height);
  const pixels = new Float64Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const at = i * channels, v = (k: number) => (data[at + k]! / max) * 255;
    const grey = channels >= 3 ? 0.299 * v(0) + 0.587 * v(1) + 0.114 * v(2) : v(0);
    const alpha = channels === 2 || channels === 4 ? v(channels - 1) / 255 : 1;
    pixels[i] = grey * alpha + 255 * (1 - alpha);
  }
  return { width, height, pixels };
}

/**
 * Decodes a PGM, binary (`P5`) or plain (`P2`), 8 or 16 bits.
 *
 * @throws {Error} naming the file when the header or the data is wrong.
 */
export function decodePgm(bytes: Uint8Array, file: string): GreyImage {
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 512));
  const header = text.match(/^(P[25])(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)\s/);
  if (!header) throw new Error(`${file}: not a PGM (expected P5 or P2, width, height and maximum value)`);
  const [, kind, w, h, m] = header, width = Number(w), height = Number(h), max = Number(m);
  if (!(width > 0 && height > 0 && max > 0 && max < 65536)) throw new Error(`${file}: bad PGM size or maximum value`);
  const count = width * height, pixels = new Float64Array(count);
  if (kind === "P2") {
    const values = new TextDecoder("latin1").decode(bytes.subarray(header[0].length)).replace(/#[^\n]*/g, "")
      .trim().split(/\s+/).map(Number);
    if (values.length < count) throw new Error(`${file}: PGM holds ${values.length} values, expected ${count}`);
    for (let i = 0; i < count; i++) pixels[i] = (values[i]! / max) * 255;
  } else {
    const size = max < 256 ? 1 : 2, data = bytes.subarray(header[0].length);
    if (data.length < count * size) {
      throw new Error(`${file}: PGM holds ${data.length} bytes, expected ${count * size}`);
    }
    for (let i = 0; i < count; i++) {
      pixels[i] = ((size === 1 ? data[i]! : data[2 * i]! * 256 + data[2 * i + 1]!) / max) * 255;
    }
  }
  return { width, height, pixels };
}

/**
 * The images of an IDX images file (MNIST's format, gzip or not), by index.
 *
 * @throws {Error} naming the file when it is not an IDX images file or an index is out of range.
 */
export function decodeIdxImages(bytes: Uint8Array, file: string, indices: readonly number[]): GreyImage[] {
  const idx = decodeIdx(bytes, file);
  if (idx.kind !== "images") throw new Error(`${file}: an IDX labels file, not images`);
  const { width, height, count } = idx, size = width * height;
  return indices.map((i) => {
    if (i >= count) throw new Error(`${file}: --index ${i} is out of range, the file holds ${count} images`);
    return { width, height, pixels: Float64Array.from(idx.data.subarray(i * size, (i + 1) * size)) };
  });
}
