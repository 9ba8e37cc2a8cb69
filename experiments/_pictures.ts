/**
 * Pictures for the ablation: images and their feature maps as binary PGM files.
 *
 * @module
 */
import { batchOf, type ImageSet, type PixelTransform, type Tensor } from "../lib/mod.ts";

/** Encodes one grey image as binary PGM (P5), scaling its own min..max to 0..255. */
export function encodePgm(values: ArrayLike<number>, options: { width: number; height: number }): Uint8Array {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const header = new TextEncoder().encode(`P5\n${options.width} ${options.height}\n255\n`);
  const out = new Uint8Array(header.length + options.width * options.height);
  out.set(header);
  const range = max - min || 1;
  for (let i = 0; i < options.width * options.height; i++) {
    out[header.length + i] = Math.round(((values[i]! - min) / range) * 255);
  }
  return out;
}

/**
 * Writes each image of `set` (as the model sees it) and its convolution with
 * each named filter: `<prefix>-<n>-input.pgm`, `<prefix>-<n>-<filter>.pgm`.
 */
export async function writeFeatureMaps(
  set: ImageSet,
  options: {
    transform: PixelTransform;
    filters: Record<string, Float32Array | Float64Array>;
    convolve: (x: Tensor, w: Float32Array | Float64Array) => Tensor;
    prefix: string;
  },
): Promise<void> {
  const size = { width: set.width, height: set.height };
  for (let n = 0; n < set.count; n++) {
    const { x } = batchOf(set, Int32Array.of(n), { transform: options.transform });
    await Deno.writeFile(`${options.prefix}-${n}-input.pgm`, encodePgm(x.data, size));
    for (const [name, w] of Object.entries(options.filters)) {
      await Deno.writeFile(`${options.prefix}-${n}-${name}.pgm`, encodePgm(options.convolve(x, w).data, size));
    }
  }
}
