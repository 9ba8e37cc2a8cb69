import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors, type TensorData } from "./safetensors.ts";

const sample = () =>
  encodeSafetensors({
    tensors: [
      { name: "a", shape: [2, 3], data: Float32Array.of(1, -0, 2.5, 1e-45, -Infinity, 3.4028234663852886e38) },
      { name: "b", shape: [1], data: Float32Array.of(0.1) },
    ],
    metadata: { experiment: "tiny", epoch: "2" },
  });

/** The file with its header replaced by `json` (length fixed up). */
function withHeader(json: string, data: Uint8Array = sample().subarray(8 + headerLength(sample()))): Uint8Array {
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}
const headerLength = (bytes: Uint8Array) => Number(new DataView(bytes.buffer).getBigUint64(0, true));
const header = () => JSON.parse(new TextDecoder().decode(sample().subarray(8, 8 + headerLength(sample()))));

Deno.test("encodeSafetensors() writes the layout safetensors readers expect", () => {
  const bytes = sample();
  assert.equal(headerLength(bytes) % 8, 0);
  assert.deepEqual(header(), {
    "__metadata__": { experiment: "tiny", epoch: "2" },
    a: { dtype: "F32", shape: [2, 3], "data_offsets": [0, 24] },
    b: { dtype: "F32", shape: [1], "data_offsets": [24, 28] },
  });
  const data = bytes.subarray(8 + headerLength(bytes));
  assert.deepEqual([...data.subarray(0, 4)], [0, 0, 0x80, 0x3f]); // 1.0f, little-endian
});

Deno.test("decodeSafetensors() gives back every value bit for bit and the metadata", () => {
  const decoded = decodeSafetensors(sample(), "m.safetensors");
  assert.deepEqual(decoded.metadata, { experiment: "tiny", epoch: "2" });
  assert.deepEqual(decoded.tensors.map((t) => [t.name, t.shape]), [["a", [2, 3]], ["b", [1]]]);
  const bits = (a: TensorData) => [...new Uint32Array(a.buffer)];
  assert.deepEqual(
    bits(decoded.tensors[0]!.data),
    bits(Float32Array.of(1, -0, 2.5, 1e-45, -Infinity, 3.4028234663852886e38)),
  );
  assert.deepEqual(bits(decoded.tensors[1]!.data), bits(Float32Array.of(0.1)));
});

Deno.test("decodeSafetensors() gives back F64 and I32 tensors bit for bit, beside F32", () => {
  const tensors = [
    { name: "w", shape: [1], data: Float32Array.of(0.1) },
    { name: "m", shape: [3], data: Float64Array.of(0.1, -1e-300, Number.MAX_VALUE) },
    { name: "order", shape: [4], data: Int32Array.of(3, 0, -2, 2 ** 31 - 1) },
  ];
  const bytes = encodeSafetensors({ tensors, metadata: {} });
  const decoded = decodeSafetensors(bytes, "s.safetensors").tensors;
  assert.deepEqual(decoded, tensors);
  assert.deepEqual(decoded.map((t) => t.data.constructor), [Float32Array, Float64Array, Int32Array]);
  const entries = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength(bytes))));
  assert.deepEqual([entries.m.dtype, entries.m.data_offsets, entries.order.dtype], ["F64", [4, 28], "I32"]);
});

/** A copy of `bytes` claiming a header of `length` bytes. */
function withLength(bytes: Uint8Array, length: bigint): Uint8Array {
  const bad = bytes.slice();
  new DataView(bad.buffer).setBigUint64(0, length, true);
  return bad;
}

Deno.test("decodeSafetensors() names the file and the fault of each corrupt file", async (t) => {
  const good = sample();
  const h = header();
  const cases: [string, Uint8Array, RegExp][] = [
    ["truncated in the data", good.subarray(0, good.length - 3), /tensor 'b': data ends at byte 28, past the 25 bytes/],
    ["truncated in the header length", good.subarray(0, 5), /5 bytes, too short for the 8-byte header length/],
    ["bad header length", withLength(good, 1000n), /header length 1000 exceeds the \d+ bytes after it/],
    [
      "header length over the limit",
      withLength(good, 1n << 40n),
      /header length 1099511627776 is over the 100 MB \(100000000 bytes\) limit of safetensors headers/,
    ],
    ["bad JSON", withHeader('{"a": {"dtype": "F32",'), /the header is not JSON/],
    ["not an object", withHeader("[1, 2]"), /the header is not a JSON object/],
    [
      "wrong dtype",
      withHeader(JSON.stringify({ ...h, a: { ...h.a, dtype: "F16" } })),
      /tensor 'a': dtype "F16", expected one of F32, F64, I32/,
    ],
    [
      "wrong shape for its bytes",
      withHeader(JSON.stringify({ ...h, a: { ...h.a, shape: [2, 2] } })),
      /tensor 'a': data_offsets \[0, 24\] hold 24 bytes, shape \[2,2\] needs 16/,
    ],
    [
      "overlapping data",
      withHeader(JSON.stringify({ ...h, b: { ...h.b, "data_offsets": [20, 24] } })),
      /tensor 'b': data starts at byte 20, expected 24/,
    ],
    ["trailing bytes", withHeader(JSON.stringify(h), new Uint8Array(32)), /4 bytes after the last tensor's data/],
    [
      "metadata not strings",
      withHeader(JSON.stringify({ ...h, "__metadata__": { epoch: 2 } })),
      /__metadata__ entry 'epoch' is not a string/,
    ],
  ];
  for (const [name, bytes, expected] of cases) {
    await t.step(name, () => {
      assert.throws(() => decodeSafetensors(bytes, "runs/m.safetensors"), (error: Error) => {
        assert.match(error.message, /^runs\/m\.safetensors: not a valid safetensors file: /);
        assert.match(error.message, expected);
        return true;
      });
    });
  }
});
