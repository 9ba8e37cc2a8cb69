import { decode, type DecodedPng } from "fast-png";
import { decodeIdx } from "../data/mod.ts";
import { type GreyImage, toModelInput } from "./input.ts";
import { causeOf } from "../_fs.ts";

/** The most pixels a picture may have, checked from its header: a 150 KB PNG may take gigabytes to decode. */
export const MAX_PIXELS = 4096 * 4096;

function checkPixels(width: number, height: number, file: string): void {
  const pixels = width * height;
  if (pixels > MAX_PIXELS) {
    throw new Error(`${file}: ${width}x${height} is ${pixels} pixels, over the limit of ${MAX_PIXELS} (scale it down)`);
  }
}

/** PNG's colour types, by number: a name and the bit depths allowed. */
const PNG_COLOUR_TYPES: Record<number, { name: string; depths: number[] }> = {
  0: { name: "greyscale", depths: [1, 2, 4, 8, 16] },
  2: { name: "RGB", depths: [8, 16] },
  3: { name: "indexed", depths: [1, 2, 4, 8] },
  4: { name: "grey+alpha", depths: [8, 16] },
  6: { name: "RGBA", depths: [8, 16] },
};

/** Checks a PNG's header (IHDR, the first chunk) before the data is decoded; returns the colour type. */
function checkPngHeader(bytes: Uint8Array, file: string): number {
  const invalid = (why: string) => new Error(`${file}: not a valid PNG: ${why}`);
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") {
    throw new Error(`${file}: not a readable PNG (no header, IHDR, after the signature)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16), height = view.getUint32(20), [depth, colour] = [bytes[24]!, bytes[25]!];
  const type = PNG_COLOUR_TYPES[colour];
  if (type === undefined) throw invalid(`colour type ${colour} (PNG has 0, 2, 3, 4 and 6)`);
  if (!type.depths.includes(depth)) {
    const allowed = `${type.depths.slice(0, -1).join(", ")} or ${type.depths.at(-1)}`;
    throw invalid(`${type.name} at ${depth} bits per sample (PNG allows ${allowed})`);
  }
  if (width === 0 || height === 0) throw invalid(`a picture of ${width}x${height}`);
  checkPixels(width, height, file);
  // fast-png lays out interlaced pixels a byte each, so below 8 bits they would come out wrong.
  if (bytes[28] === 1 && depth < 8) {
    throw new Error(
      `${file}: interlaced PNGs of 1, 2 or 4 bits cannot be read (save it without interlacing, or at 8 bits)`,
    );
  }
  return colour;
}

/** A decoded PNG's samples, one per channel per pixel: fast-png leaves depths below 8 packed, rows padded. */
function unpackedSamples(png: DecodedPng): ArrayLike<number> {
  const { width, height, depth, data } = png;
  if (depth >= 8) return data;
  const rowBytes = Math.ceil((width * depth) / 8), mask = (1 << depth) - 1, out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0, bit = 0; x < width; x++, bit += depth) {
      out[y * width + x] = (data[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/**
 * Decodes a PNG of any depth and colour type to grey: luma `0.299 R + 0.587 G + 0.114 B` (PIL's `L`), transparent
 * pixels (alpha, palette or colour key) over white, as a viewer shows them. Throws naming the file.
 */
export function decodePngGrey(bytes: Uint8Array, file: string): GreyImage {
  const colourType = checkPngHeader(bytes, file);
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new Error(`${file}: not a readable PNG (${(error as Error).message})`);
  }
  if (colourType === 3 && png.palette === undefined) {
    throw new Error(`${file}: not a valid PNG: an indexed PNG without a palette (PLTE)`);
  }
  const { width, height, channels } = png, samples = unpackedSamples(png), count = width * height;
  if (samples.length < count * channels) throw new Error(`${file}: not a readable PNG (its image data is short)`);
  const colour = pngColours(png, file), pixels = new Float64Array(count), rgba = [0, 0, 0, 1];
  for (let i = 0; i < count; i++) {
    colour(samples, i, rgba);
    const [r, g, b, alpha] = rgba as [number, number, number, number];
    pixels[i] = (0.299 * r + 0.587 * g + 0.114 * b) * alpha + 255 * (1 - alpha);
  }
  return { width, height, pixels };
}

/** How to read pixel `i` of a decoded PNG's samples as red, green and blue (0 to 255) and alpha (0 to 1). */
function pngColours(png: DecodedPng, file: string): (samples: ArrayLike<number>, i: number, out: number[]) => void {
  const { channels, palette, transparency } = png, scale = 255 / (2 ** png.depth - 1);
  if (palette !== undefined) {
    return (samples, i, out) => {
      const entry = palette[samples[i]!];
      if (entry === undefined) {
        throw new Error(
          `${file}: not a valid PNG: a pixel has colour index ${samples[i]}, past the palette of ${palette.length}`,
        );
      }
      out[0] = entry[0]!, out[1] = entry[1]!, out[2] = entry[2]!, out[3] = (entry[3] ?? 255) / 255;
    };
  }
  // tRNS of a grey or RGB picture: one colour (its samples) that is transparent.
  const keyed = transparency !== undefined && transparency.length >= channels && (channels === 1 || channels === 3);
  const key = keyed ? [...transparency.subarray(0, channels)] : null;
  return (samples, i, out) => {
    const at = i * channels;
    for (let c = 0; c < 3; c++) out[c] = samples[at + (channels >= 3 ? c : 0)]! * scale;
    out[3] = channels === 2 || channels === 4 ? samples[at + channels - 1]! * scale / 255 : 1;
    if (key !== null && key.every((k, c) => samples[at + c] === k)) out[3] = 0;
  };
}

/** Decodes a PGM, binary (`P5`) or plain (`P2`), 8 or 16 bits; throws naming the file when it is wrong. */
export function decodePgm(bytes: Uint8Array, file: string): GreyImage {
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 512));
  const header = text.match(/^(P[25])(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)\s/);
  if (!header) throw new Error(`${file}: not a PGM (expected P5 or P2, width, height and maximum value)`);
  const [, kind, w, h, m] = header, width = Number(w), height = Number(h), max = Number(m);
  if (!(width > 0 && height > 0 && max > 0 && max < 65536)) throw new Error(`${file}: bad PGM size or maximum value`);
  checkPixels(width, height, file);
  const count = width * height,
    values = kind === "P2"
      ? plainPgmValues(bytes.subarray(header[0].length), count, file)
      : binaryPgmValues(bytes.subarray(header[0].length), { count, max, file });
  const pixels = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v > max) throw new Error(`${file}: PGM value ${i + 1}, ${v}, exceeds the maximum ${max}`);
    pixels[i] = (v / max) * 255;
  }
  return { width, height, pixels };
}

/** The first `count` values of a plain PGM's data: whole numbers, between whitespace and comments. */
function plainPgmValues(data: Uint8Array, count: number, file: string): number[] {
  const words = new TextDecoder("latin1").decode(data).replace(/#[^\n]*/g, "").trim().split(/\s+/).filter(Boolean);
  if (words.length < count) throw new Error(`${file}: PGM holds ${words.length} values, expected ${count}`);
  return words.slice(0, count).map((word, i) => {
    if (!/^\d+$/.test(word)) throw new Error(`${file}: PGM value ${i + 1}, '${word}', is not a whole number`);
    return Number(word);
  });
}

/** A binary PGM's values: bytes, or big-endian 16-bit words when the maximum is over 255. */
function binaryPgmValues(data: Uint8Array, pgm: { count: number; max: number; file: string }): ArrayLike<number> {
  const { count, max, file } = pgm, size = max < 256 ? 1 : 2;
  if (data.length < count * size) throw new Error(`${file}: PGM holds ${data.length} bytes, expected ${count * size}`);
  if (size === 1) return data.subarray(0, count);
  return Uint16Array.from({ length: count }, (_, i) => data[2 * i]! * 256 + data[2 * i + 1]!);
}

/** The images at `indices` of an IDX images file (gzip or not); throws naming the file. */
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
 * PNG, PGM and IDX image files (of IDX files the images at `indices`) in the model's input form, each named as
 * predict prints it: the file, or `file[index]`. Throws naming the file, also when an image has no ink.
 */
export function readModelInputs(
  files: readonly string[],
  options: { indices: readonly number[]; height: number; width: number },
): { name: string; input: Uint8Array }[] {
  const images = files.flatMap((file) => {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(file);
    } catch (error) {
      throw new Error(`${file}: cannot read (${causeOf(error)})`);
    }
    const ascii = String.fromCharCode(...bytes.subarray(0, 4));
    if (ascii === "\x89PNG") return [{ name: file, image: decodePngGrey(bytes, file) }];
    if (/^P[25]\s/.test(ascii)) return [{ name: file, image: decodePgm(bytes, file) }];
    if (/\.pgm$/i.test(file) || /\.png$/i.test(file)) throw new Error(`${file}: not a PNG or PGM file`);
    const { indices } = options;
    return decodeIdxImages(bytes, file, indices).map((image, i) => ({ name: `${file}[${indices[i]}]`, image }));
  });
  return images.map(({ name, image }) => {
    const input = toModelInput(image, options);
    if (input.every((v) => v === 0)) {
      throw new Error(
        `${name}: no ink found (the picture is blank or one colour throughout; draw darker or lighter than the paper)`,
      );
    }
    return { name, input };
  });
}
