/**
 * An image made the model's input, and logits made probabilities: plain
 * functions without imports, which the draw-and-classify page runs too.
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

/**
 * Class probabilities of one image's logits: their softmax, or for one logit
 * `z` (a sigmoid model) `[1 - p, p]` with `p = sigmoid(z)`. The
 * draw-and-classify page runs it too.
 *
 * @param z the logits.
 */
export function probabilities(z: number[]): Float64Array {
  if (z.length === 1) return Float64Array.of(1 / (1 + Math.exp(z[0]!)), 1 / (1 + Math.exp(-z[0]!)));
  const max = Math.max(...z), e = z.map((v) => Math.exp(v - max)), sum = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / sum);
}
