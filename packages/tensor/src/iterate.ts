// Loops over strided operands that share one (broadcast) shape, written for the innermost dim
// to run as a tight loop. Outputs are contiguous unless stated.
import { arrayCode, type TypedArray } from './dtype.ts';
import { coalesce, loopKernel, MAX_RANK } from './kernel-cache.ts';
import { contiguousStrides } from './shape.ts';

export interface Strided { data: TypedArray; strides: readonly number[]; offset: number }

/** Walks the outer dims (all but the last) like an odometer, calling row(baseOffsets, outBase). */
function rows(shape: readonly number[], ops: readonly Strided[], row: (bases: number[], io: number) => void): void {
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1]!;
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const nrows = total / inner;
  const bases = ops.map((o) => o.offset);
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  for (let r = 0, io = 0; r < nrows; r++, io += inner) {
    row(bases, io);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < ops.length; k++) bases[k]! += ops[k]!.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      for (let k = 0; k < ops.length; k++) bases[k]! -= ops[k]!.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

const last = (s: Strided, nd: number): number => (nd === 0 ? 1 : s.strides[nd - 1]!);

export function copyStrided(shape: readonly number[], src: Strided, out: TypedArray, outOffset = 0): void {
  if (compiled('x', shape, [src], dense(shape, out, outOffset))) return;
  const nd = shape.length, n = nd === 0 ? 1 : shape[nd - 1]!, s = last(src, nd), d = src.data;
  rows(shape, [src], (b, io) => {
    const o = outOffset + io, base = b[0]!;
    if (s === 1) out.set(d.subarray(base, base + n), o);
    else for (let j = 0; j < n; j++) out[o + j] = d[base + j * s]!;
  });
}

/** Runs a compiled loop for `expr` when the coalesced shape has rank ≤ 3; false when it does not. */
function compiled(expr: string, shape: readonly number[], ops: readonly Strided[], out: Strided): boolean {
  const c = coalesce(shape, [out.strides, ...ops.map((o) => o.strides)]);
  if (c.shape.length > MAX_RANK) return false;
  const args: (TypedArray | number | readonly number[])[] = [];
  let dtypes = arrayCode(out.data);
  ops.forEach((o, i) => { args.push(o.data, o.offset, c.strides[i + 1]!); dtypes += arrayCode(o.data); });
  loopKernel(expr, ops.length, c.shape.length, dtypes)(c.shape, null, out.data, out.offset, c.strides[0]!, ...args);
  return true;
}

const dense = (shape: readonly number[], data: TypedArray, offset = 0): Strided => ({ data, offset, strides: contiguousStrides(shape) });

export function unaryLoop(shape: readonly number[], a: Strided, out: TypedArray, f: (x: number) => number, expr?: string): void {
  if (expr !== undefined && compiled(expr, shape, [a], dense(shape, out))) return;
  const nd = shape.length, n = nd === 0 ? 1 : shape[nd - 1]!, s = last(a, nd), d = a.data;
  rows(shape, [a], (b, io) => {
    const base = b[0]!;
    for (let j = 0; j < n; j++) out[io + j] = f(d[base + j * s]!);
  });
}

export function binaryLoop(shape: readonly number[], a: Strided, b: Strided, out: TypedArray, f: (x: number, y: number) => number, expr?: string): void {
  if (expr !== undefined && compiled(expr, shape, [a, b], dense(shape, out))) return;
  const nd = shape.length, n = nd === 0 ? 1 : shape[nd - 1]!, sa = last(a, nd), sb = last(b, nd);
  const da = a.data, db = b.data;
  rows(shape, [a, b], (bs, io) => {
    const ba = bs[0]!, bb = bs[1]!;
    for (let j = 0; j < n; j++) out[io + j] = f(da[ba + j * sa]!, db[bb + j * sb]!);
  });
}

export function ternaryLoop(shape: readonly number[], a: Strided, b: Strided, c: Strided, out: TypedArray,
  f: (x: number, y: number, z: number) => number, expr?: string): void {
  if (expr !== undefined && compiled(expr, shape, [a, b, c], dense(shape, out))) return;
  const nd = shape.length, n = nd === 0 ? 1 : shape[nd - 1]!;
  const sa = last(a, nd), sb = last(b, nd), sc = last(c, nd);
  rows(shape, [a, b, c], (bs, io) => {
    for (let j = 0; j < n; j++) out[io + j] = f(a.data[bs[0]! + j * sa]!, b.data[bs[1]! + j * sb]!, c.data[bs[2]! + j * sc]!);
  });
}

/** dst (a strided view) ← src (broadcast to dst's shape), elementwise. */
export function writeStrided(shape: readonly number[], dst: Strided, src: Strided): void {
  if (compiled('x', shape, [src], dst)) return;
  const nd = shape.length, n = nd === 0 ? 1 : shape[nd - 1]!, sd = last(dst, nd), ss = last(src, nd);
  const dd = dst.data, ds = src.data;
  rows(shape, [dst, src], (bs, _io) => {
    const bd = bs[0]!, bsrc = bs[1]!;
    for (let j = 0; j < n; j++) dd[bd + j * sd] = ds[bsrc + j * ss]!;
  });
}

/** Offsets of every element of a strided view, in row-major order. */
export function offsetsOf(shape: readonly number[], src: Strided): Int32Array {
  const total = shape.reduce((x, y) => x * y, 1);
  const out = new Int32Array(total);
  const nd = shape.length, n = nd === 0 ? 1 : shape[nd - 1]!, s = last(src, nd);
  rows(shape, [src], (b, io) => {
    for (let j = 0; j < n; j++) out[io + j] = b[0]! + j * s;
  });
  return out;
}
