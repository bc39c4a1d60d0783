// Shapes, strides and NumPy broadcasting, with errors that name the op, the shapes and the axis.
import { IndexError, ShapeError } from '@groundup/kernels';

export type Shape = readonly number[];

export const fmt = (s: Shape): string => `[${s.join(',')}]`;
export const numelOf = (s: Shape): number => s.reduce((a, b) => a * b, 1);
export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return st;
}

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new ShapeError(`${op}: cannot broadcast ${fmt(a)} with ${fmt(b)}: axis ${i} has ${da} vs ${db}` +
        ` (sizes must be equal or 1 when aligned from the right; unsqueeze or reshape one operand)`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

export function broadcastAll(op: string, shapes: readonly Shape[]): number[] {
  return shapes.reduce<number[]>((acc, s) => broadcastShapes(op, acc, s), []);
}

/** A dim in [-ndim, ndim) made non-negative. */
export function normalizeDim(op: string, dim: number, ndim: number, extra = 0): number {
  const n = ndim + extra;
  if (!Number.isInteger(dim) || dim < -Math.max(n, 1) || dim >= Math.max(n, 1))
    throw new IndexError(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dims (expected ${-Math.max(n, 1)}..${Math.max(n, 1) - 1})`);
  return dim < 0 ? dim + Math.max(n, 1) : dim;
}

export function normalizeDims(op: string, dims: number | readonly number[] | undefined, ndim: number): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) throw new IndexError(`${op}: dim ${list.join(',')} lists a dim twice`);
  return out.sort((x, y) => x - y);
}

/** Resolves one -1 in a requested shape against numel. */
export function inferShape(op: string, want: Shape, numel: number, from: Shape): number[] {
  const out = [...want];
  const neg = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (neg.length > 1) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmt(want)}`);
  for (const d of out) if (d < -1 || !Number.isInteger(d)) throw new ShapeError(`${op}: invalid size ${d} in ${fmt(want)}`);
  const known = out.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (neg.length) {
    if (known === 0 || numel % known !== 0)
      throw new ShapeError(`${op}: shape ${fmt(want)} is invalid for input of size ${numel} (shape ${fmt(from)})`);
    out[neg[0]!] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(`${op}: shape ${fmt(want)} is invalid for input of size ${numel} (shape ${fmt(from)})`);
  }
  return out;
}
