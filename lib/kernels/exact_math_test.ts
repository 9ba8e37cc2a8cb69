import assert from "node:assert/strict";
import { createRng } from "../rng/mod.ts";
import { exactCos, exactExp, exactLog, exactLog1p, exactPowInt } from "./exact_math.ts";

const bits = new BigInt64Array(1);
const asFloat = new Float64Array(bits.buffer);

/** A float's place on the number line in ulps: consecutive floats differ by one, -0 and 0 are both 0. */
function ordinal(x: number): bigint {
  asFloat[0] = x;
  const b = bits[0]!;
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}

/** The float64 with these 64 bits. */
function fromBits(b: bigint): number {
  bits[0] = BigInt.asIntN(64, b);
  return asFloat[0]!;
}

/** The bits of `x`, as hex, to pin a result exactly. */
function hexBits(x: number): string {
  asFloat[0] = x;
  return BigInt.asUintN(64, bits[0]!).toString(16).padStart(16, "0");
}

/** The largest distance in ulps between `ours` and `reference` over `inputs`, and where it is. */
function maxUlps(ours: (x: number) => number, reference: (x: number) => number, inputs: number[]) {
  let worst = { ulps: 0, x: NaN };
  for (const x of inputs) {
    const a = ours(x), b = reference(x);
    if (Object.is(a, b)) continue;
    const ulps = Number.isFinite(a) && Number.isFinite(b) ? Math.abs(Number(ordinal(a) - ordinal(b))) : Infinity;
    if (ulps > worst.ulps) worst = { ulps, x };
  }
  return worst;
}

const rng = createRng(19);
/** `n` draws of `draw`. */
const many = <T = number>(n: number, draw: () => T): T[] => Array.from({ length: n }, draw);
const uniform = (lo: number, hi: number) => () => lo + (hi - lo) * rng.uniform();
/** A positive float with uniformly drawn bits: every binade, subnormals included, equally likely. */
const anyPositive = () => fromBits(BigInt(rng.integer(0x7ff00000)) << 32n | BigInt(rng.nextUint32()));

/** Asserts each `[x, expected]` exactly (`Object.is`, so -0 differs from 0 and NaN equals NaN). */
function assertExactly(f: (x: number) => number, cases: [number, number][]) {
  for (const [x, expected] of cases) assert.ok(Object.is(f(x), expected), `${f.name}(${x}) = ${f(x)}, not ${expected}`);
}

Deno.test("exactExp() is within 1 ulp of Math.exp from underflow to overflow", () => {
  const inputs = [
    ...many(100_000, uniform(-746, 710)),
    ...many(100_000, uniform(-2, 2)),
    ...many(20_000, uniform(-1e-7, 1e-7)),
    ...many(20_000, uniform(-745.2, -708)), // subnormal results
    ...many(20_000, uniform(709, 709.79)),
  ];
  const worst = maxUlps(exactExp, Math.exp, inputs);
  assert.ok(worst.ulps <= 1, `${worst.ulps} ulps at ${worst.x}`);
});

Deno.test("exactExp() of special values, thresholds and exactly known results", () => {
  assertExactly(exactExp, [
    [NaN, NaN],
    [0, 1],
    [-0, 1],
    [Number.MIN_VALUE, 1],
    [-Number.MIN_VALUE, 1],
    [Infinity, Infinity],
    [-Infinity, 0],
    [1, Math.E],
    [7.09782712893383973096e+02, 1.7976931348622732e308], // the last x below overflow
    [709.7827128933841, Infinity], // the next float
    [-745.1332191019411, Number.MIN_VALUE], // the last x that does not round to 0
    [-745.1332191019412, 0],
    [-1000, 0],
    [1000, Infinity],
  ]);
  for (const k of [-1074, -1022, -1, 1, 52, 1023]) {
    const ulps = Number(ordinal(exactExp(k * Math.LN2)) - ordinal(Math.exp(k * Math.LN2)));
    assert.ok(Math.abs(ulps) <= 1, `exp(${k} ln 2): ${ulps} ulps`);
  }
});

Deno.test("exactLog() is within 1 ulp of Math.log over every binade, subnormals included", () => {
  const inputs = [
    ...many(200_000, anyPositive),
    ...many(50_000, uniform(0.5, 2)),
    ...many(20_000, uniform(1, 1 + 1e-5)),
  ];
  const worst = maxUlps(exactLog, Math.log, inputs);
  assert.ok(worst.ulps <= 1, `${worst.ulps} ulps at ${worst.x}`);
});

Deno.test("exactLog() of special values and exactly known results", () => {
  assertExactly(exactLog, [
    [NaN, NaN],
    [0, -Infinity],
    [-0, -Infinity],
    [-1, NaN],
    [-Number.MIN_VALUE, NaN],
    [-Infinity, NaN],
    [Infinity, Infinity],
    [1, 0],
    [2, Math.LN2],
    [10, Math.LN10],
    [Math.E, 1],
    [Number.MIN_VALUE, -744.4400719213812],
    [Number.MAX_VALUE, 709.782712893384],
    [2 ** -1022, -1022 * Math.LN2],
  ]);
});

Deno.test("exactLog1p() is within 1 ulp of Math.log1p from -1 to MAX_VALUE", () => {
  const inputs = [
    ...many(100_000, uniform(-1, 1)),
    ...many(50_000, uniform(-1e-6, 1e-6)),
    ...many(20_000, uniform(-1, -0.99)),
    ...many(100_000, anyPositive),
  ];
  const worst = maxUlps(exactLog1p, Math.log1p, inputs);
  assert.ok(worst.ulps <= 1, `${worst.ulps} ulps at ${worst.x}`);
});

Deno.test("exactLog1p() of special values and exactly known results", () => {
  assertExactly(exactLog1p, [
    [NaN, NaN],
    [0, 0],
    [-0, -0],
    [Number.MIN_VALUE, Number.MIN_VALUE],
    [-Number.MIN_VALUE, -Number.MIN_VALUE],
    [1e-300, 1e-300],
    [-1, -Infinity],
    [-1.0000000000000002, NaN],
    [-Infinity, NaN],
    [Infinity, Infinity],
    [1, Math.LN2],
    [Number.MAX_VALUE, 709.782712893384],
  ]);
});

Deno.test("exactCos() is within 1 ulp of Math.cos up to 2^20 pi/2, and refuses larger arguments", () => {
  const inputs = [
    ...many(100_000, uniform(0, 2 * Math.PI)), // Box-Muller's arguments
    ...many(100_000, uniform(-100, 100)),
    ...many(50_000, uniform(-1.6e6, 1.6e6)),
    ...many(20_000, uniform(-1e-6, 1e-6)),
    ...Array.from({ length: 2_000 }, (_, k) => (k - 1000) * (Math.PI / 2)), // near the zeros: cancellation
  ];
  const worst = maxUlps(exactCos, Math.cos, inputs);
  assert.ok(worst.ulps <= 1, `${worst.ulps} ulps at ${worst.x}`);
  assert.throws(() => exactCos(1e7), /exactCos: \|x\| must be below 2\^20 pi\/2/);
  assert.throws(() => exactCos(-Number.MAX_VALUE), RangeError);
});

Deno.test("exactCos() of special values and exactly known results", () => {
  assertExactly(exactCos, [
    [NaN, NaN],
    [Infinity, NaN],
    [-Infinity, NaN],
    [0, 1],
    [-0, 1],
    [Number.MIN_VALUE, 1],
    [Math.PI, -1],
    [2 * Math.PI, 1],
    [Math.PI / 2, 6.123233995736766e-17], // cos of the float nearest pi/2: pi/2 minus it
  ]);
});

Deno.test("exactPowInt() is within 1 ulp of ** and exact where the power is", () => {
  const cases = many(100_000, () => [4 * rng.uniform(), rng.integer(3000)] as const);
  let worst = { ulps: 0, at: "" };
  for (const [x, n] of cases) {
    const ulps = Math.abs(Number(ordinal(exactPowInt(x, n)) - ordinal(x ** n)));
    if (ulps > worst.ulps) worst = { ulps, at: `${x} ** ${n}` };
  }
  assert.ok(worst.ulps <= 1, `${worst.ulps} ulps at ${worst.at}`);
  for (let n = 0; n <= 33; n++) assert.equal(exactPowInt(3, n), 3 ** n, `3^${n} is exact`);
  for (const n of [0, 1, 52, 1023]) assert.equal(exactPowInt(2, n), 2 ** n);
  assert.equal(exactPowInt(0.5, 1074), Number.MIN_VALUE);
  assert.equal(exactPowInt(0.5, 1075), 0);
  assert.equal(exactPowInt(2, 1024), Infinity);
  assert.equal(exactPowInt(-2, 3), -8);
  assert.equal(exactPowInt(Number.MIN_VALUE, 1), Number.MIN_VALUE);
  assert.equal(exactPowInt(1e-200, 2), 0);
  assert.equal(exactPowInt(1e200, 2), Infinity);
  assert.equal(exactPowInt(1e-160, 2), 1e-160 ** 2, "a subnormal result");
});

Deno.test("exactPowInt() of special values, and a non-integer or negative n is refused", () => {
  const cases: [number, number, number][] = [
    [NaN, 0, 1],
    [NaN, 3, NaN],
    [0, 3, 0],
    [-0, 3, -0],
    [-0, 2, 0],
    [Infinity, 2, Infinity],
    [-Infinity, 3, -Infinity],
    [-Infinity, 2, Infinity],
    [-1, 2 ** 53 - 1, -1],
    [0.5, 2 ** 53 - 1, 0],
    [1.5, 2 ** 53 - 1, Infinity],
  ];
  for (const [x, n, expected] of cases) assert.ok(Object.is(exactPowInt(x, n), expected), `${x}^${n}`);
  for (const n of [-1, 1.5, NaN, 2 ** 53]) {
    assert.throws(() => exactPowInt(2, n), /exactPowInt: n must be an integer >= 0/);
  }
});

Deno.test("the exact functions give these bits (pinned: a change here changes every experiment's numbers)", () => {
  // Inputs where the correctly rounded result (Deno 2.9's Math) and fdlibm's differ by one ulp: fdlibm's is kept.
  const pinned: [(x: number) => number, number, string][] = [
    [exactExp, 0.06736049275228106, "3ff11d69d8a0f2de"],
    [exactExp, 671.1358034840792, "7c72f3c51fa993e4"],
    [exactExp, -3.25, "3fa3da368521902d"],
    [exactLog, 2.6686762376718605, "3fef691fd34ba688"],
    [exactLog, 3e-310, "c086459f44103e87"],
    [exactLog1p, 0.7180829528479323, "3fe15195c2d3830a"],
    [exactLog1p, 1e-10, "3ddb7cdfd9d1d693"],
    [exactCos, -5.7644841141851, "3febca7497c6663d"],
    [exactCos, 1e6, "3fedf9df9906d32c"],
    [
      function exactPowInt12345(x) {
        return exactPowInt(x, 12345);
      },
      0.999,
      "3ed22391fb94567e",
    ],
  ];
  for (const [f, x, expected] of pinned) assert.equal(hexBits(f(x)), expected, `${f.name}(${x})`);
});

Deno.test("the exact functions call none of Math's transcendental functions", () => {
  const names = ["exp", "log", "log1p", "expm1", "cos", "sin", "pow", "tanh"] as const;
  const math = Math as unknown as Record<string, unknown>;
  const saved = names.map((name) => math[name]);
  try {
    for (const name of names) math[name] = () => assert.fail(`Math.${name} was called`);
    exactExp(3.5), exactLog(3.5), exactLog1p(3.5), exactCos(3.5), exactPowInt(3.5, 7);
  } finally {
    names.forEach((name, i) => (math[name] = saved[i]));
  }
});

Deno.test("no training or evaluation code calls Math's transcendental functions or **", async () => {
  const folders = ["losses", "kernels", "layers", "rng", "train", "backend", "optim", "tensor"];
  const banned =
    /Math\.(exp|expm1|log|log1p|log2|log10|cos|sin|tan|pow|tanh|sinh|cosh|atan2?|asin|acos|cbrt|hypot)\b|[\w)\]] \*\* [\w(]/;
  const found: string[] = [];
  for (const folder of folders) {
    const dir = new URL(`../${folder}/`, import.meta.url);
    for (const path of await sourceFiles(dir)) {
      const lines = (await Deno.readTextFile(path)).split("\n");
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, "");
        // A power of two with an integer exponent is exact in every engine (cpu_features.ts uses 2 ** -12).
        if (!/^\s*\*/.test(code) && banned.test(code.replace(/\b2 \*\* -?\d+\b/g, ""))) {
          found.push(`${path.pathname}:${i + 1}`);
        }
      });
    }
  }
  assert.deepEqual(found, [], "use exact_math.ts: engines differ in these functions' last bits");
});

/** The non-test TypeScript files under `dir`, recursively (the AssemblyScript source included). */
async function sourceFiles(dir: URL): Promise<URL[]> {
  const files: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) files.push(...await sourceFiles(url));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts") && !entry.name.endsWith("_bench.ts")) {
      files.push(url);
    }
  }
  return files;
}
