// dtypes and PyTorch's type promotion: bool < int < float by category; within a category the
// wider type wins. Dimensioned tensors outrank 0-d tensors, which outrank JS numbers.
import { DTypeError } from '@groundup/kernels';
import { POOL_MIN_BYTES, takeBuffer } from './buffer-pool.ts';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type Scalar = number | boolean;

export const defaultFloat: DType = 'float32';

/** A zeroed array of n elements (from the buffer pool when one of this size is free). */
export function allocate(dtype: DType, n: number): TypedArray {
  return (n >= POOL_MIN_ELEMENTS && takeBuffer(dtype, n, true)) || fresh(dtype, n);
}

/** An array of n elements whose contents the caller overwrites entirely (a pooled one is not zeroed). */
export function allocateUninit(dtype: DType, n: number): TypedArray {
  return (n >= POOL_MIN_ELEMENTS && takeBuffer(dtype, n, false)) || fresh(dtype, n);
}

const POOL_MIN_ELEMENTS = POOL_MIN_BYTES / 8;
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

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
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
  }
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
