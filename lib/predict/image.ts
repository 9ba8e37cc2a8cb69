/**
 * Images from files, turned into a model's input the way MNIST and
 * Fashion-MNIST images look: grey, light on a dark background, the model's
 * size.
 *
 * @module
 */
import { convertIndexedToRgb, decode } from "fast-png";
import { decodeIdx } from "../data/mod.ts";

/** A grey image: `height * width` values from 0 (black) to 255 (white), row by row. */
export interface GreyImage {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** The values, row-major. */
  pixels: Float64Array;
}

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

/**
 * Turns an image into the training data's form: a light background is
 * inverted (MNIST and Fashion-MNIST draw light on black; a border lighter
 * than mid-grey counts as light), the image is centred on a square of its
 * background, and area-averaged to `height x width` bytes. A 28x28 MNIST
 * image comes out unchanged.
 *
 * @param image the grey image.
 * @param size the model's input rows and columns, e.g. `{ height: 28, width: 28 }`.
 * @returns `height * width` bytes, row-major.
 */
export function toModelInput(image: GreyImage, size: { height: number; width: number }): Uint8Array {
  const { width, height, pixels } = image;
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(pixels[x]!, pixels[(height - 1) * width + x]!);
  for (let y = 0; y < height; y++) border.push(pixels[y * width]!, pixels[y * width + width - 1]!);
  const background = border.reduce((a, b) => a + b, 0) / border.length;
  const invert = background > 127.5;
  const side = Math.max(width, height), left = Math.floor((side - width) / 2), top = Math.floor((side - height) / 2);
  const at = (x: number, y: number) => {
    const inside = x >= left && x < left + width && y >= top && y < top + height;
    const v = inside ? pixels[(y - top) * width + x - left]! : background;
    return invert ? 255 - v : v;
  };
  const rows = coverage(side, size.height), columns = coverage(side, size.width);
  const out = new Uint8Array(size.height * size.width);
  for (let oy = 0; oy < size.height; oy++) {
    for (let ox = 0; ox < size.width; ox++) {
      let sum = 0;
      for (const [y, wy] of rows[oy]!) for (const [x, wx] of columns[ox]!) sum += at(x, y) * wy * wx;
      out[oy * size.width + ox] = Math.min(255, Math.max(0, Math.round(sum)));
    }
  }
  return out;
}

/**
 * For each of `to` output cells, the `from` input cells it covers and their
 * weights (summing to 1): the area average of {@linkcode toModelInput}.
 */
export function coverage(from: number, to: number): [number, number][][] {
  const scale = from / to;
  return Array.from({ length: to }, (_, o) => {
    const a = o * scale, b = (o + 1) * scale, cells: [number, number][] = [];
    for (let i = Math.floor(a); i < Math.min(from, Math.ceil(b)); i++) {
      cells.push([i, (Math.min(b, i + 1) - Math.max(a, i)) / scale]);
    }
    return cells;
  });
}
