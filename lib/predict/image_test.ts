import assert from "node:assert/strict";
import { CHANNELS, png, type PngParts } from "../testing/png.ts";
import { decodePgm, decodePngGrey, MAX_PIXELS } from "./image.ts";

/** A 13x9 picture of a 7 in four greys (0 ink, 255 paper): 13 columns, so rows end mid-byte at every depth below 8. */
const SEVEN = [
  "3333333333333",
  "3000000000003",
  "3333333330133",
  "3333333302333",
  "3333333013333",
  "3333330123333",
  "3333301233333",
  "3333301333333",
  "3333333333333",
].join("").split("").map(Number);
const [WIDTH, HEIGHT] = [13, 9];
/** The grey each of the four levels stands for. */
const GREY = [0, 85, 170, 255];

/** Each level at `depth` bits: 0 to the maximum in thirds (1 bit: levels 0 and 1 black, 2 and 3 white). */
const level = (l: number, depth: number) => depth === 1 ? (l >= 2 ? 1 : 0) : l * ((2 ** depth - 1) / 3);
const expected = (depth: number) => SEVEN.map((l) => depth === 1 ? (l >= 2 ? 255 : 0) : GREY[l]!);

function assertGrey(bytes: Uint8Array, want: readonly number[], what: string) {
  const image = decodePngGrey(bytes, "seven.png");
  assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT], what);
  const got = [...image.pixels];
  assert.ok(got.every((v, i) => Math.abs(v - want[i]!) < 1e-9), `${what}: got ${got.map(Math.round)}`);
}

Deno.test("decodePngGrey reads greyscale PNGs of every bit depth, interlaced or not", () => {
  for (const depth of [1, 2, 4, 8, 16]) {
    for (const interlaced of depth >= 8 ? [false, true] : [false]) {
      const samples = SEVEN.map((l) => level(l, depth));
      const bytes = png({ width: WIDTH, height: HEIGHT, depth, colourType: 0, samples, interlaced });
      assertGrey(bytes, expected(depth), `grey, ${depth} bits${interlaced ? ", interlaced" : ""}`);
    }
  }
});

Deno.test("decodePngGrey reads indexed PNGs of every bit depth, with and without transparency", () => {
  // The palette's colours in reverse order, so an index read as a grey would come out wrong.
  const palette = [[255, 255, 255], [170, 170, 170], [85, 85, 85], [0, 0, 0]];
  for (const depth of [1, 2, 4, 8]) {
    const samples = SEVEN.map((l) => depth === 1 ? (l >= 2 ? 0 : 1) : 3 - l);
    const colours = depth === 1 ? [palette[0]!, palette[3]!] : palette;
    const bytes = png({ width: WIDTH, height: HEIGHT, depth, colourType: 3, samples, palette: colours });
    assertGrey(bytes, expected(depth), `indexed, ${depth} bits`);
  }
  // Index 0 is fully transparent black: shown over white, as a viewer does.
  const samples = SEVEN.map((l) => l === 3 ? 0 : 4 - l);
  const palette4 = [[0, 0, 0], [255, 255, 255], [170, 170, 170], [85, 85, 85], [0, 0, 0]];
  const clear = png({
    width: WIDTH,
    height: HEIGHT,
    depth: 4,
    colourType: 3,
    samples,
    palette: palette4,
    transparency: [0],
  });
  assertGrey(clear, expected(4), "indexed, 4 bits, index 0 transparent");
});

Deno.test("decodePngGrey reads RGB, grey+alpha and RGBA PNGs at 8 and 16 bits, and tRNS colour keys", () => {
  for (const depth of [8, 16]) {
    const v = (l: number) => level(l, depth), max = 2 ** depth - 1;
    const rgb = SEVEN.flatMap((l) => [v(l), v(l), v(l)]);
    assertGrey(png({ width: WIDTH, height: HEIGHT, depth, colourType: 2, samples: rgb }), expected(depth), "RGB");
    // Paper made fully transparent (its grey is then black, shown over white): the same picture.
    const ga = SEVEN.flatMap((l) => l === 3 ? [0, 0] : [v(l), max]);
    assertGrey(png({ width: WIDTH, height: HEIGHT, depth, colourType: 4, samples: ga }), expected(depth), "grey+alpha");
    const rgba = SEVEN.flatMap((l) => l === 3 ? [0, 0, 0, 0] : [v(l), v(l), v(l), max]);
    const interlaced = png({ width: WIDTH, height: HEIGHT, depth, colourType: 6, samples: rgba, interlaced: true });
    assertGrey(interlaced, expected(depth), "RGBA, interlaced");
    // Half-transparent black over white is mid-grey.
    const half = png({ width: 1, height: 1, depth, colourType: 6, samples: [0, 0, 0, (max + 1) / 2] });
    assert.ok(Math.abs(decodePngGrey(half, "half.png").pixels[0]! - 255 * (max - 1) / (2 * max)) < 1e-9);
    // Pure red: its luma (ITU-R 601, as PIL's "L").
    const red = png({ width: 1, height: 1, depth, colourType: 2, samples: [max, 0, 0] });
    assert.ok(Math.abs(decodePngGrey(red, "red.png").pixels[0]! - 0.299 * 255) < 1e-9);
  }
  // tRNS colour keys: the key colour is transparent, shown as paper.
  const grey4 = SEVEN.map((l) => level(l, 4));
  const keyed = png({ width: WIDTH, height: HEIGHT, depth: 4, colourType: 0, samples: grey4, transparency: [0, 5] });
  assertGrey(keyed, SEVEN.map((l) => l === 1 ? 255 : GREY[l]!), "grey, 4 bits, colour key 5 (grey 85)");
  const rgbKey = SEVEN.flatMap((l) => l === 3 ? [1, 2, 3] : [GREY[l]!, GREY[l]!, GREY[l]!]);
  const rgbKeyed = png({
    width: WIDTH,
    height: HEIGHT,
    depth: 8,
    colourType: 2,
    samples: rgbKey,
    transparency: [0, 1, 0, 2, 0, 3],
  });
  assertGrey(rgbKeyed, expected(8), "RGB, colour key (1, 2, 3)");
});

Deno.test("decodePngGrey refuses what it cannot read right, naming the file and the reason", () => {
  const grey = (depth: number, colourType: number, more: Partial<PngParts> = {}) =>
    png({
      width: 3,
      height: 2,
      depth,
      colourType,
      samples: new Array(6 * (CHANNELS[colourType] ?? 1)).fill(0),
      ...more,
    });
  const cases: [string, Uint8Array, RegExp][] = [
    ["RGB at 4 bits", grey(4, 2), /a\.png: not a valid PNG: RGB at 4 bits per sample \(PNG allows 8 or 16\)/],
    [
      "indexed at 16 bits",
      grey(16, 3, { palette: [[0, 0, 0]] }),
      /indexed at 16 bits per sample \(PNG allows 1, 2, 4 or 8\)/,
    ],
    ["colour type 5", grey(8, 5), /not a valid PNG: colour type 5/],
    ["indexed without a palette", grey(8, 3), /not a valid PNG: an indexed PNG without a palette/],
    [
      "an index past the palette",
      grey(8, 3, { palette: [[0, 0, 0]], samples: [0, 0, 1, 0, 0, 0] }),
      /index 1.*palette of 1/,
    ],
    [
      "interlaced below 8 bits",
      grey(2, 0, { interlaced: true }),
      /a\.png: interlaced PNGs of 1, 2 or 4 bits cannot be read \(save it without interlacing, or at 8 bits\)/,
    ],
  ];
  for (const [what, bytes, message] of cases) assert.throws(() => decodePngGrey(bytes, "a.png"), message, what);
});

Deno.test("decodePngGrey and decodePgm refuse a picture over the pixel limit from its header, before decoding", () => {
  // 10000x10000 in the header and a broken IDAT: the limit must be found before the data is touched.
  const big = png({ width: 1, height: 1, depth: 8, colourType: 0, samples: [0] });
  new DataView(big.buffer).setUint32(16, 10000), new DataView(big.buffer).setUint32(20, 10000);
  const limit = new RegExp(`big: 10000x10000 is 100000000 pixels, over the limit of ${MAX_PIXELS} \\(scale it down\\)`);
  assert.throws(() => decodePngGrey(big, "big"), limit);
  const header = new TextEncoder().encode("P5\n100000 100000\n255\n");
  assert.throws(() => decodePgm(header, "huge.pgm"), /huge\.pgm: 100000x100000 is 10000000000 pixels, over the limit/);
  const plain = new TextEncoder().encode("P2\n10000 10000\n255\n0 0 0\n");
  assert.throws(() => decodePgm(plain, "plain.pgm"), /plain\.pgm: 10000x10000 .* over the limit/);
});

Deno.test("decodePgm refuses values that are not numbers or exceed the maximum", () => {
  const text = (body: string) => new TextEncoder().encode(`P2\n2 2\n15\n${body}\n`);
  assert.deepEqual([...decodePgm(text("0 5 10 15"), "ok.pgm").pixels], [0, 85, 170, 255]);
  assert.throws(() => decodePgm(text("0 5 ten 15"), "a.pgm"), /a\.pgm: PGM value 3, 'ten', is not a whole number/);
  assert.throws(() => decodePgm(text("0 5 1.5 15"), "a.pgm"), /PGM value 3, '1\.5', is not a whole number/);
  assert.throws(() => decodePgm(text("0 5 16 15"), "a.pgm"), /a\.pgm: PGM value 3, 16, exceeds the maximum 15/);
  const binary = new Uint8Array([...new TextEncoder().encode("P5\n2 1\n100\n"), 50, 200]);
  assert.throws(() => decodePgm(binary, "b.pgm"), /b\.pgm: PGM value 2, 200, exceeds the maximum 100/);
});
