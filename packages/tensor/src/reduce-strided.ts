// Sums over some dims of a strided tensor without copying it: the reduced dims are reordered by
// stride (a sum does not care about order) and merged where contiguous, broadcast (stride-0) dims
// are summed by multiplying, and the loop runs either one accumulation per output element (when
// the reduced dims hold the smallest stride) or whole rows of outputs at once (when a kept dim is
// the contiguous one, as in a bias gradient gy.sum(0)). ones(1,1).expand(65536,65536).sum() reads
// one element. Accumulates in double precision.
import type { TypedArray } from './dtype.ts';
import { normalizeDims } from './shape.ts';
import type { Tensor } from './tensor.ts';

export interface ReducePlan {
  /** The output shape (with or without the kept 1s). */
  outShape: number[];
  keptShape: number[]; keptStrides: number[];
  /** Reduced dims, largest stride first, merged where contiguous; stride-0 dims removed. */
  redShape: number[]; redStrides: number[];
  /** Product of the removed broadcast (stride-0) reduced dims: each value counts this many times. */
  repeat: number;
  /** How many elements each output reduces (repeat included). */
  count: number;
}

/** Merges adjacent (size, stride) pairs where the outer one steps over the inner one exactly. */
function merge(shape: number[], strides: number[]): void {
  for (let i = shape.length - 2; i >= 0; i--) {
    if (strides[i] === strides[i + 1]! * shape[i + 1]!) {
      shape[i]! *= shape[i + 1]!;
      strides[i] = strides[i + 1]!;
      shape.splice(i + 1, 1);
      strides.splice(i + 1, 1);
    }
  }
}

export function reducePlan(op: string, t: Tensor, dims: number | readonly number[] | undefined, keepdim: boolean): ReducePlan {
  const ds = normalizeDims(op, dims, t.ndim);
  const keptShape: number[] = [], keptStrides: number[] = [], outShape: number[] = [];
  const red: [number, number][] = [];
  let repeat = 1, count = 1;
  for (let i = 0; i < t.ndim; i++) {
    const n = t.shape[i]!, s = t.strides[i]!;
    if (ds.includes(i)) {
      count *= n;
      if (keepdim) outShape.push(1);
      if (n === 1) continue;
      if (s === 0) repeat *= n;
      else red.push([n, s]);
    } else {
      outShape.push(n);
      if (n !== 1) { keptShape.push(n); keptStrides.push(s); }
    }
  }
  red.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const redShape = red.map((r) => r[0]), redStrides = red.map((r) => r[1]);
  merge(keptShape, keptStrides);
  merge(redShape, redStrides);
  return { outShape, keptShape, keptStrides, redShape, redStrides, repeat, count };
}

/** Σ of the reduced elements at base (an odometer over the outer reduced dims, a tight inner loop). */
function sumBlock(d: TypedArray, base: number, shape: readonly number[], strides: readonly number[]): number {
  const r = shape.length;
  if (r === 0) return d[base]!;
  const n = shape[r - 1]!, s = strides[r - 1]!;
  let acc = 0;
  if (r === 1) {
    if (s === 1) for (let j = base, e = base + n; j < e; j++) acc += d[j]!;
    else for (let j = 0, p = base; j < n; j++, p += s) acc += d[p]!;
    return acc;
  }
  const idx = new Array<number>(r - 1).fill(0);
  let p0 = base;
  for (;;) {
    for (let j = 0, p = p0; j < n; j++, p += s) acc += d[p]!;
    let k = r - 2;
    for (; k >= 0; k--) {
      p0 += strides[k]!;
      if (++idx[k]! < shape[k]!) break;
      p0 -= strides[k]! * shape[k]!;
      idx[k] = 0;
    }
    if (k < 0) return acc;
  }
}

/** Calls f(offset, index) for each element of a strided walk over shape, row-major. */
function walk(shape: readonly number[], strides: readonly number[], base: number, f: (offset: number, i: number) => void): void {
  const r = shape.length;
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const idx = new Array<number>(r).fill(0);
  let p = base;
  for (let i = 0; i < total; i++) {
    f(p, i);
    for (let k = r - 1; k >= 0; k--) {
      p += strides[k]!;
      if (++idx[k]! < shape[k]!) break;
      p -= strides[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
}

/**
 * out[i] = (Σ over the reduced elements of output i) · repeat / divisor, for the plan's outputs in
 * row-major order. divisor 1 is a sum, count a mean.
 */
export function sumInto(plan: ReducePlan, t: Tensor, out: TypedArray, divisor = 1): void {
  const d = t.data, { keptShape, keptStrides, redShape, redStrides, repeat } = plan;
  const nOut = out.length;
  if (nOut === 0) return;
  const finish = (acc: number): number => (repeat === 1 ? acc : acc * repeat) / divisor;
  const kr = keptShape.length;
  // A kept dim is the contiguous one (or strides tie): add whole rows of outputs per reduced position.
  if (kr > 0 && redShape.length > 0 && Math.abs(keptStrides[kr - 1]!) < Math.abs(redStrides[redShape.length - 1]!)) {
    const acc = new Float64Array(nOut);
    const n = keptShape[kr - 1]!, s = keptStrides[kr - 1]!;
    const outerShape = keptShape.slice(0, -1), outerStrides = keptStrides.slice(0, -1);
    walk(redShape, redStrides, t.offset, (pr) => {
      walk(outerShape, outerStrides, pr, (po, i) => {
        const o = i * n;
        if (s === 1) for (let j = 0; j < n; j++) acc[o + j]! += d[po + j]!;
        else for (let j = 0, p = po; j < n; j++, p += s) acc[o + j]! += d[p]!;
      });
    });
    for (let i = 0; i < nOut; i++) out[i] = finish(acc[i]!);
    return;
  }
  if (kr === 0) { out[0] = finish(sumBlock(d, t.offset, redShape, redStrides)); return; }
  walk(keptShape, keptStrides, t.offset, (p, i) => { out[i] = finish(sumBlock(d, p, redShape, redStrides)); });
}
