// A cache of large typed arrays whose tensors are known to be dead, like PyTorch's caching
// allocators: a fresh Float32Array of 200 KB costs page faults and zeroing (tens of µs) and then
// garbage-collector work, while a reused one is warm. Only backward gives buffers back (the
// gradient buffers it made itself and consumed, see autograd/engine.ts), and every training step
// allocates the same sizes again, so the forward of the next step takes them. Small arrays are
// not pooled (V8 makes them cheaply); the pool holds at most POOL_BYTES.
import type { DType, TypedArray } from './dtype.ts';

/** Arrays of at least this many bytes are pooled. */
export const POOL_MIN_BYTES = 16 * 1024;
let capBytes = 64 * 1024 * 1024;
let held = 0;
const free = new Map<string, TypedArray[]>();
const key = (dtype: DType, n: number): string => `${dtype}:${n}`;
const bytesOf = (d: TypedArray): number => d.byteLength;

let poison = false;

/** A pooled array of this dtype and length (zeroed when asked), or null. */
export function takeBuffer(dtype: DType, n: number, zero: boolean): TypedArray | null {
  const list = free.get(key(dtype, n));
  const d = list?.pop();
  if (!d) return null;
  held -= bytesOf(d);
  if (zero) d.fill(0);
  else if (poison) d.fill(dtype === 'float32' || dtype === 'float64' ? NaN : 0x5a);
  return d;
}

/** Tests: fill every buffer handed out unzeroed with NaN, so a reader of unwritten elements shows. */
export function setBufferPoolPoison(on: boolean): void { poison = on; }

/** Gives back the whole buffer of a dead tensor (the caller guarantees nothing reads it again). */
export function giveBuffer(dtype: DType, d: TypedArray): void {
  const b = bytesOf(d);
  // Whole buffers only: a view into someone else's ArrayBuffer is never handed out again.
  if (b < POOL_MIN_BYTES || held + b > capBytes || d.byteOffset !== 0 || d.buffer.byteLength !== b) return;
  const k = key(dtype, d.length);
  let list = free.get(k);
  if (!list) free.set(k, (list = []));
  list.push(d);
  held += b;
}

/** Empties the pool (torch.cuda.empty_cache's counterpart); `maxBytes` changes its size. */
export function emptyBufferPool(maxBytes?: number): void {
  free.clear();
  held = 0;
  if (maxBytes !== undefined) capBytes = maxBytes;
}

/** Bytes the pool holds now. */
export const pooledBytes = (): number => held;
