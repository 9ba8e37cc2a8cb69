/**
 * An image made the model's input, and logits made probabilities: no imports, as the page runs them too.
 *
 * @module
 */

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
 * An image in the training data's form (`size.height * size.width` bytes), made as MNIST's digits were: a light
 * background (a border lighter than mid-grey) inverted and its level subtracted; the ink's bounding box
 * area-averaged, keeping its aspect ratio, to fit 20x20 of 28x28, its centre of mass at the frame's centre. An
 * image already of the model's size is only inverted when light, so an MNIST image comes out unchanged.
 */
export function toModelInput(image: GreyImage, size: { height: number; width: number }): Uint8Array {
  const { width, height, pixels } = image;
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(pixels[x]!, pixels[(height - 1) * width + x]!);
  for (let y = 0; y < height; y++) border.push(pixels[y * width]!, pixels[y * width + width - 1]!);
  const background = border.reduce((a, b) => a + b, 0) / border.length, invert = background > 127.5;
  const bytes = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  if (width === size.width && height === size.height) {
    return Uint8Array.from(pixels, (v) => bytes(invert ? 255 - v : v));
  }
  const level = invert ? 255 - background : background;
  const ink = pixels.map((v) => level >= 255 ? 0 : Math.max(0, ((invert ? 255 - v : v) - level) * 255 / (255 - level)));
  const box = inkBox(ink, width);
  if (box === null) return new Uint8Array(size.height * size.width);
  const fit = Math.round((20 / 28) * Math.min(size.height, size.width)) / Math.max(box.width, box.height);
  const th = Math.max(1, Math.round(box.height * fit)), tw = Math.max(1, Math.round(box.width * fit));
  const rows = coverage(box.height, th), columns = coverage(box.width, tw), small = new Float64Array(th * tw);
  for (let oy = 0; oy < th; oy++) {
    for (let ox = 0; ox < tw; ox++) {
      let sum = 0;
      for (const [y, wy] of rows[oy]!) {
        for (const [x, wx] of columns[ox]!) sum += ink[(box.top + y) * width + box.left + x]! * wy * wx;
      }
      small[oy * tw + ox] = sum;
    }
  }
  const [cy, cx] = centreOfMass(small, tw);
  const dy = Math.round(size.height / 2 - cy), dx = Math.round(size.width / 2 - cx);
  const out = new Uint8Array(size.height * size.width);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const oy = y + dy, ox = x + dx;
      if (oy >= 0 && oy < size.height && ox >= 0 && ox < size.width) {
        out[oy * size.width + ox] = bytes(small[y * tw + x]!);
      }
    }
  }
  return out;
}

/** The bounding box of the non-zero values of a row-major image, or null when all are zero. */
function inkBox(
  values: Float64Array,
  width: number,
): { top: number; left: number; width: number; height: number } | null {
  let top = Infinity, left = Infinity, bottom = -1, right = -1;
  values.forEach((v, i) => {
    if (v <= 0) return;
    const y = Math.floor(i / width), x = i % width;
    top = Math.min(top, y), bottom = Math.max(bottom, y), left = Math.min(left, x), right = Math.max(right, x);
  });
  return bottom < 0 ? null : { top, left, width: right - left + 1, height: bottom - top + 1 };
}

/** `[row, column]` of the centre of mass of a row-major image (pixel centres at `i + 0.5`). */
function centreOfMass(values: Float64Array, width: number): [number, number] {
  let mass = 0, y = 0, x = 0;
  values.forEach((v, i) => {
    mass += v, y += v * (Math.floor(i / width) + 0.5), x += v * ((i % width) + 0.5);
  });
  return [y / mass, x / mass];
}

/** For each of `to` output cells, the `from` input cells it covers and their weights: an area average. */
function coverage(from: number, to: number): [number, number][][] {
  const scale = from / to;
  return Array.from({ length: to }, (_, o) => {
    const a = o * scale, b = (o + 1) * scale, cells: [number, number][] = [];
    for (let i = Math.floor(a); i < Math.min(from, Math.ceil(b)); i++) {
      cells.push([i, (Math.min(b, i + 1) - Math.max(a, i)) / scale]);
    }
    return cells;
  });
}

/** Class probabilities of one image's logits: their softmax, or for one logit (a sigmoid model) `[1 - p, p]`. */
export function probabilities(z: number[]): Float64Array {
  if (z.length === 1) return Float64Array.of(1 / (1 + Math.exp(z[0]!)), 1 / (1 + Math.exp(-z[0]!)));
  const max = Math.max(...z), e = z.map((v) => Math.exp(v - max)), sum = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / sum);
}
