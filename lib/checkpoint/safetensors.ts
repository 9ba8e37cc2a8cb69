/**
 * The safetensors format (Hugging Face's; `safetensors.torch.load_file` reads it): an 8-byte little-endian header
 * length N, N bytes of JSON naming each tensor's dtype, shape and byte range, then the tensors' bytes. `F32`, `F64`
 * and `I32` tensors, little-endian, are written and accepted here; a model's weights are `F32`.
 *
 * @module
 */

/** The typed arrays a tensor can hold, one per dtype. */
export type TensorData = Float32Array | Float64Array | Int32Array;

/** Each accepted dtype's typed array; the element size is its `BYTES_PER_ELEMENT`. */
const DTYPES = { F32: Float32Array, F64: Float64Array, I32: Int32Array } as const;

/** The dtype of a typed array. */
function dtypeOf(data: TensorData): keyof typeof DTYPES {
  return data instanceof Float64Array ? "F64" : data instanceof Int32Array ? "I32" : "F32";
}

/** One tensor: a name, a row-major shape and its values. */
export interface NamedTensor {
  /** Unique within the file. */
  name: string;
  /** Row-major shape; the product of its entries is `data.length`. */
  shape: readonly number[];
  /** The values; their type gives the dtype. */
  data: TensorData;
}

/** The contents of a safetensors file. */
export interface Safetensors {
  /** The tensors in file order. */
  tensors: NamedTensor[];
  /** `__metadata__`: string keys and string values, as the format requires. */
  metadata: Record<string, string>;
}

/** The longest header accepted (the reference reader's limit, 100 MB). */
const MAX_HEADER = 100_000_000;

/** The bytes of a safetensors file of `contents`, the header padded with spaces to a multiple of 8 bytes. */
export function encodeSafetensors(contents: Safetensors): Uint8Array {
  const header: Record<string, unknown> = { "__metadata__": contents.metadata };
  let offset = 0;
  for (const t of contents.tensors) {
    const bytes = t.data.byteLength;
    header[t.name] = { dtype: dtypeOf(t.data), shape: t.shape, "data_offsets": [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length + 8) % 8) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of contents.tensors) {
    const set = { F32: view.setFloat32, F64: view.setFloat64, I32: view.setInt32 }[dtypeOf(t.data)].bind(view);
    const size = t.data.BYTES_PER_ELEMENT;
    for (let i = 0; i < t.data.length; i++, at += size) set(at, t.data[i]!, true);
  }
  return out;
}

/**
 * Decodes a safetensors file, checking everything: the header length against the file, the JSON, each entry's
 * dtype, shape and byte range against its shape, and that the ranges tile the data with no gap, overlap or
 * trailing bytes. The tensors come in file order.
 *
 * @param file the file's path, named in every message.
 * @throws {Error} `<file>: ...` naming the tensor at fault.
 */
export function decodeSafetensors(bytes: Uint8Array, file: string): Safetensors {
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER)) {
    fail(`header length ${length} is over the 100 MB (${MAX_HEADER} bytes) limit of safetensors headers`);
  }
  if (length > BigInt(bytes.length - 8)) fail(`header length ${length} exceeds the ${bytes.length - 8} bytes after it`);
  const dataStart = 8 + Number(length);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    fail(`the header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("the header is not a JSON object");
  const { ["__metadata__"]: metadata = {}, ...entries } = header as Record<string, unknown>;
  checkMetadata(metadata, fail);
  const tensors = Object.entries(entries).map(([name, entry]) => tensorOf(name, entry, fail));
  return { tensors: readData(tensors, bytes.subarray(dataStart), fail), metadata: metadata as Record<string, string> };
}

function checkMetadata(metadata: unknown, fail: (why: string) => never): void {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    fail("__metadata__ is not an object");
  }
  for (const [key, value] of Object.entries(metadata as object)) {
    if (typeof value !== "string") fail(`__metadata__ entry '${key}' is not a string`);
  }
}

/** A tensor entry of the header, before its data is read. */
interface Entry {
  name: string;
  dtype: keyof typeof DTYPES;
  shape: number[];
  begin: number;
  end: number;
}

function tensorOf(name: string, entry: unknown, fail: (why: string) => never): Entry {
  const e = entry as { dtype?: unknown; shape?: unknown; ["data_offsets"]?: unknown };
  if (typeof e !== "object" || e === null) fail(`tensor '${name}': the entry is not an object`);
  if (!Object.hasOwn(DTYPES, e.dtype as string)) {
    fail(`tensor '${name}': dtype ${JSON.stringify(e.dtype)}, expected one of ${Object.keys(DTYPES).join(", ")}`);
  }
  const dtype = e.dtype as keyof typeof DTYPES, width = DTYPES[dtype].BYTES_PER_ELEMENT;
  const isCounts = (v: unknown, n?: number): v is number[] =>
    Array.isArray(v) && (n === undefined || v.length === n) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!isCounts(e.shape)) fail(`tensor '${name}': shape ${JSON.stringify(e.shape)} is not a list of sizes`);
  if (!isCounts(e.data_offsets, 2)) fail(`tensor '${name}': data_offsets ${JSON.stringify(e.data_offsets)}`);
  const shape = e.shape as number[], [begin, end] = e.data_offsets as [number, number];
  const size = shape.reduce((a, b) => a * b, 1);
  if (end - begin !== size * width) {
    fail(
      `tensor '${name}': data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape [${shape}] needs ${
        size * width
      }`,
    );
  }
  return { name, dtype, shape, begin, end };
}

/** Reads each entry's values, after checking the entries tile `data` exactly. */
function readData(entries: Entry[], data: Uint8Array, fail: (why: string) => never): NamedTensor[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin)) {
    if (e.begin !== at) fail(`tensor '${e.name}': data starts at byte ${e.begin}, expected ${at} (a gap or overlap)`);
    if (e.end > data.length) {
      fail(`tensor '${e.name}': data ends at byte ${e.end}, past the ${data.length} bytes stored`);
    }
    at = e.end;
  }
  if (at !== data.length) fail(`${data.length - at} bytes after the last tensor's data`);
  return entries.map((e) => {
    const values = new DTYPES[e.dtype]((e.end - e.begin) / DTYPES[e.dtype].BYTES_PER_ELEMENT);
    const get = { F32: view.getFloat32, F64: view.getFloat64, I32: view.getInt32 }[e.dtype].bind(view);
    for (let i = 0; i < values.length; i++) values[i] = get(e.begin + values.BYTES_PER_ELEMENT * i, true);
    return { name: e.name, shape: e.shape, data: values };
  });
}
