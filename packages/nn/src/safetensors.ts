// The safetensors format, in memory: 8 bytes of little-endian u64 header length N, N bytes of
// JSON header ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {k: v}}, padded
// with spaces), then the raw little-endian data, offsets relative to its start. Everything in the
// header is checked before any tensor is allocated: the length against the file size, the JSON,
// each dtype, shape and offset, that shape × item size equals the byte length, and that the
// tensors tile the data section exactly (no overlap, no gap, no truncation, no trailing bytes).
// Names are data, never object keys with a prototype: a tensor may be called '__proto__' or
// 'constructor', so every map here is a null-prototype object.
import { SerializationError } from '@groundup/kernels';
import { Tensor, type DType, type TypedArray } from '@groundup/tensor';
import type { StateDict } from './state-dict.ts';

/** The file dtypes groundup reads; I64 is narrowed to int32 (PyTorch's Long, e.g. num_batches_tracked). */
export type SafetensorsDType = 'F32' | 'F64' | 'I32' | 'I64' | 'BOOL';
const ITEM: Record<SafetensorsDType, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1 };
const isFileDType = (d: unknown): d is SafetensorsDType => typeof d === 'string' && Object.hasOwn(ITEM, d);
/** An empty object without a prototype, so that any string can be a key. */
const nullProto = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
const TO_FILE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
/** safetensors' own limit on the header. */
const MAX_HEADER = 100_000_000;
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SafetensorsEntry { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }
export interface SafetensorsHeader {
  /** The tensors in file order (by offset). */
  entries: SafetensorsEntry[];
  metadata: Record<string, string> | null;
  /** Where the data section starts in the file: 8 + header length. */
  dataStart: number;
}
export interface SafetensorsContents { tensors: StateDict; metadata: Record<string, string> | null }

const fail = (source: string, msg: string): never => { throw new SerializationError(`safetensors (${source}): ${msg}`); };
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The header length from the first 8 bytes, checked against the file size. */
export function readHeaderLength(first: Uint8Array, fileSize: number, source = 'buffer'): number {
  if (fileSize < 8 || first.length < 8)
    fail(source, `the file has ${fileSize} bytes, fewer than the 8-byte header length every safetensors file starts with; it is truncated or not a safetensors file`);
  const n = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n) fail(source, `the header length is ${n} bytes, too small for a JSON object`);
  if (n > BigInt(fileSize - 8))
    fail(source, `the header length ${n} runs past the end of the file (${fileSize} bytes, so at most ${fileSize - 8} bytes of header); the file is truncated or not a safetensors file`);
  if (n > BigInt(MAX_HEADER)) fail(source, `the header length ${n} exceeds the ${MAX_HEADER}-byte limit`);
  return Number(n);
}

/** Parses and validates the JSON header; dataLength is the number of bytes after it. */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, source = 'buffer'): SafetensorsHeader {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail(source, 'the header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(source, `the header is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(source, `the header must be a JSON object, got ${Array.isArray(json) ? 'an array' : String(json)}`);
  const problems: string[] = [];
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> | null = null;
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))
        problems.push('__metadata__ must be an object of string values');
      else metadata = Object.assign(nullProto<string>(), v as Record<string, string>);
      continue;
    }
    const info = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (info === null || typeof info !== 'object') { problems.push(`'${name}': the entry must be an object with dtype, shape and data_offsets`); continue; }
    const { dtype, shape, data_offsets: offs } = info;
    if (!isFileDType(dtype)) {
      problems.push(`'${name}': unknown dtype ${JSON.stringify(dtype)}; groundup reads ${Object.keys(ITEM).join(', ')}`);
      continue;
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) { problems.push(`'${name}': shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`); continue; }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isCount) || offs[0]! > offs[1]!) {
      problems.push(`'${name}': data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offs)}`);
      continue;
    }
    const [begin, end] = offs as [number, number];
    if (end > dataLength) {
      problems.push(`'${name}': data_offsets [${begin}, ${end}] go past the end of the data section (${dataLength} bytes); the file is truncated or the offsets are wrong`);
      continue;
    }
    const numel = shape.reduce((a: number, b: number) => a * b, 1);
    const d = dtype;
    if (numel * ITEM[d] !== end - begin) {
      problems.push(`'${name}': shape [${shape.join(', ')}] of ${d} needs ${numel} × ${ITEM[d]} = ${numel * ITEM[d]} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
      continue;
    }
    entries.push({ name, dtype: d, shape: shape as number[], begin, end });
  }
  if (problems.length) fail(source, `invalid header:\n  ${problems.join('\n  ')}`);
  // The tensors must tile the data section: sorted by offset, each starts where the last ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0, prev: SafetensorsEntry | null = null;
  for (const e of entries) {
    if (e.begin < at) fail(source, `the data of '${e.name}' [${e.begin}, ${e.end}] overlaps that of '${prev!.name}' [${prev!.begin}, ${prev!.end}]`);
    if (e.begin > at) fail(source, `${e.begin - at} byte(s) at [${at}, ${e.begin}) belong to no tensor (before '${e.name}'); the offsets are not contiguous`);
    at = e.end;
    prev = e;
  }
  if (at !== dataLength) fail(source, `the data section has ${dataLength} bytes but the tensors cover ${at}; ${dataLength - at} trailing byte(s) belong to no tensor`);
  return { entries, metadata, dataStart: 8 + headerBytes.length };
}

/** The tensors of a validated header, read from its data section. */
export function decodeData(header: SafetensorsHeader, data: Uint8Array, source = 'buffer'): StateDict {
  const out = nullProto<Tensor>();
  for (const e of header.entries) {
    const bytes = data.subarray(e.begin, e.end);
    const n = e.shape.reduce((a, b) => a * b, 1);
    let arr: TypedArray;
    if (e.dtype === 'I64') {
      arr = new Int32Array(n);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v < -2147483648n || v > 2147483647n) fail(source, `'${e.name}' holds the int64 value ${v} at element ${i}, outside the int32 range groundup uses for integers`);
        arr[i] = Number(v);
      }
    } else {
      const Ctor = { F32: Float32Array, F64: Float64Array, I32: Int32Array, BOOL: Uint8Array }[e.dtype];
      arr = new Ctor(n);
      const dst = new Uint8Array(arr.buffer);
      dst.set(bytes);
      if (!LITTLE && ITEM[e.dtype] > 1) swapBytes(dst, ITEM[e.dtype]);
      if (e.dtype === 'BOOL') for (let i = 0; i < n; i++) arr[i] = arr[i] ? 1 : 0;
    }
    out[e.name] = Tensor.fromData(arr, e.shape);
  }
  return out;
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}

/** A whole safetensors file held in memory → its tensors and metadata. */
export function deserialize(bytes: Uint8Array, source = 'buffer'): SafetensorsContents {
  const n = readHeaderLength(bytes.subarray(0, 8), bytes.length, source);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, source);
  return { tensors: decodeData(header, bytes.subarray(8 + n), source), metadata: header.metadata };
}

/** Tensors (and string metadata) → the bytes of a safetensors file, tensors in the order given. */
export function serialize(tensors: StateDict | Map<string, Tensor>, metadata: Record<string, string> | null = null): Uint8Array {
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header = nullProto<unknown>();
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new SerializationError(`serialize: metadata value '${k}' must be a string, got ${typeof v}`);
    header.__metadata__ = metadata;
  }
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of list) {
    if (name === '__metadata__' || name === '') throw new SerializationError(`serialize: '${name}' cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new SerializationError(`serialize: '${name}' is ${t === null ? 'null' : typeof t}, not a Tensor`);
    const values = t.contiguous().dataSync();
    const b = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    if (!LITTLE && values.BYTES_PER_ELEMENT > 1) swapBytes(b, values.BYTES_PER_ELEMENT);
    header[name] = { dtype: TO_FILE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + b.length] };
    datas.push(b);
    offset += b.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const b of datas) { out.set(b, at); at += b.length; }
  return out;
}
