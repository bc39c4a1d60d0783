// dtypes and PyTorch's type promotion: bool < int < float by category; within a category the
// wider type wins. Dimensioned tensors outrank 0-d tensors, which outrank JS numbers.
import { DTypeError, ShapeError } from '@groundup/kernels';
import { POOL_MIN_BYTES, takeBuffer } from './buffer-pool.ts';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
/**
 * A dtype as a user may name it: PyTorch's int64 and long are aliases of int32, groundup's one
 * integer type (labels and indices), so `.to('long')` and `{dtype: 'int64'}` translate as written.
 */
export type DTypeName = DType | 'int64' | 'long';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type Scalar = number | boolean;

export const defaultFloat: DType = 'float32';

const NAMES: Readonly<Record<string, DType>> = Object.assign(Object.create(null) as Record<string, DType>,
  { float32: 'float32', float64: 'float64', int32: 'int32', bool: 'bool', int64: 'int32', long: 'int32' });

/** The dtype a name stands for (int64 and long are int32); DTypeError for anything else. */
export function resolveDType(op: string, name: unknown): DType {
  const d = typeof name === 'string' ? NAMES[name] : undefined;
  if (d === undefined)
    throw new DTypeError(`${op}: unknown dtype ${typeof name === 'string' ? `'${name}'` : String(name)}; groundup has float32, float64, int32 (int64 and long are aliases of it) and bool`);
  return d;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** v as an int32 (truncated toward zero, as PyTorch casts); DTypeError when it does not fit, never a wrap. */
export function toInt32(op: string, v: number): number {
  const t = Math.trunc(v);
  if (!(t >= INT32_MIN && t <= INT32_MAX))
    throw new DTypeError(`${op}: the value ${v} does not fit int32 (range ${INT32_MIN}..${INT32_MAX}); int32 stands in for PyTorch's int64 here, so keep integers in that range or use float64`);
  return t;
}

/** JavaScript's typed arrays hold at most 2^32 elements. */
export const MAX_ELEMENTS = 2 ** 32;

function checkAllocation(dtype: DType, n: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= MAX_ELEMENTS))
    throw new ShapeError(`cannot allocate ${n} elements of ${dtype}: a tensor holds at most ${MAX_ELEMENTS} elements (2^32, the JavaScript typed-array limit); use a smaller shape`);
}

/** A zeroed array of n elements (from the buffer pool when one of this size is free). */
export function allocate(dtype: DType, n: number): TypedArray {
  checkAllocation(dtype, n);
  return (n >= POOL_MIN_ELEMENTS && takeBuffer(dtype, n, true)) || fresh(dtype, n);
}

/** An array of n elements whose contents the caller overwrites entirely (a pooled one is not zeroed). */
export function allocateUninit(dtype: DType, n: number): TypedArray {
  checkAllocation(dtype, n);
  return (n >= POOL_MIN_ELEMENTS && takeBuffer(dtype, n, false)) || fresh(dtype, n);
}

const POOL_MIN_ELEMENTS = POOL_MIN_BYTES / 8;
export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

// Medium arrays (64 B to 8 KB) are views into shared 128 KB slabs: a fresh ArrayBuffer of 4 KB
// costs about a microsecond of allocator and GC bookkeeping, a view a fifth of that. A slab is
// never reused, so views start zeroed; it is freed when every view into it is gone. (Smaller
// arrays live on V8's heap and cost little; larger ones come from the buffer pool.)
const SLAB_BYTES = 128 * 1024, SLAB_MAX = 8 * 1024;
let slab = new ArrayBuffer(0), slabUsed = 0;

function fresh(dtype: DType, n: number): TypedArray {
  const bytes = n * BYTES[dtype];
  if (bytes > 64 && bytes <= SLAB_MAX) {
    if (slabUsed + bytes > slab.byteLength) { slab = new ArrayBuffer(SLAB_BYTES); slabUsed = 0; }
    const at = slabUsed;
    slabUsed += (bytes + 15) & ~15;
    switch (dtype) {
      case 'float32': return new Float32Array(slab, at, n);
      case 'float64': return new Float64Array(slab, at, n);
      case 'int32': return new Int32Array(slab, at, n);
      case 'bool': return new Uint8Array(slab, at, n);
    }
  }
  try {
    switch (dtype) {
      case 'float32': return new Float32Array(n);
      case 'float64': return new Float64Array(n);
      case 'int32': return new Int32Array(n);
      case 'bool': return new Uint8Array(n);
    }
  } catch (e) {
    throw new ShapeError(`cannot allocate ${n} elements of ${dtype} (${(bytes / 2 ** 30).toFixed(1)} GiB): ${(e as Error).message}; use a smaller shape`);
  }
  throw new DTypeError(`allocate: unknown dtype '${String(dtype)}'`);
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** One letter per storage type (f, d, i, b), for keys of loops compiled per dtype. */
export const arrayCode = (a: TypedArray): string =>
  a instanceof Float32Array ? 'f' : a instanceof Float64Array ? 'd' : a instanceof Int32Array ? 'i' : 'b';

export const isFloating = (d: DType): boolean => d === 'float32' || d === 'float64';
const category = (d: DType): number => (d === 'bool' ? 0 : d === 'int32' ? 1 : 2);
const width = (d: DType): number => (d === 'float64' ? 1 : 0);

export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a), cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  return width(a) >= width(b) ? a : b;
}

/** The dtype a JS scalar takes on its own: true/false → bool, whole numbers → int32, else float32. */
export function scalarDType(v: Scalar): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int32' : defaultFloat;
}

export interface Operand { dtype: DType; rank: 'dim' | 'zero' | 'scalar' }

/** torch.result_type over tensors (by rank) and scalars. */
export function resultType(ops: readonly Operand[]): DType {
  const best = (rank: Operand['rank']): DType | null => {
    let r: DType | null = null;
    for (const o of ops) if (o.rank === rank) r = r === null ? o.dtype : promoteTypes(r, o.dtype);
    return r;
  };
  // A JS number only contributes its category; its dtype is that category's default.
  const byCategory = (d: DType): DType => (d === 'float64' ? defaultFloat : d);
  let out: DType | null = best('dim');
  for (const rank of ['zero', 'scalar'] as const) {
    let d = best(rank);
    if (d === null) continue;
    if (rank === 'scalar') d = byCategory(d);
    if (out === null || category(d) > category(out)) out = d;
  }
  return out ?? defaultFloat;
}

export function requireFloating(op: string, d: DType): void {
  if (!isFloating(d)) throw new DTypeError(`${op}: expected a floating-point tensor, got ${d}; convert it with .float() first`);
}

/** Name as PyTorch prints it in a repr. */
export const torchName = (d: DType): string => `torch.${d}`;
