// Views: new shape, strides and offset over the same storage. Nothing here copies, except
// reshape (and flatten) when no view is possible.
import { IndexError, ShapeError } from '@groundup/kernels';
import { contiguousStrides, fmt, inferShape, normalizeDim, sameShape, type Shape } from './shape.ts';
import { attachPure } from './autograd/node.ts';
import { full } from './creation.ts';
import { Tensor } from './tensor.ts';

/** Backward of a view that picks part of its input: zeros, with the gradient written into the same view. */
const pickBack = (t: Tensor, pick: (z: Tensor) => Tensor) => (g: Tensor): Tensor[] => {
  const z = full(t.shape, 0, { dtype: t.dtype, device: t.device });
  pick(z).copy_(g);
  return [z];
};
const reshapeBack = (t: Tensor) => (g: Tensor): Tensor[] => [g.reshape([...t.shape])];

/** PyTorch's computeStride: strides for `shape` over `t`'s memory, or null when no view exists. */
function viewStrides(oldShape: Shape, oldStrides: Shape, shape: Shape): number[] | null {
  if (oldShape.length === 0) [oldShape, oldStrides] = [[1], [1]];
  if (oldShape.some((d) => d === 0)) return contiguousStrides(shape);
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let base = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1, viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * base)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * base;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        base = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

export function view(t: Tensor, shape: Shape): Tensor {
  const s = inferShape('view', shape, t.numel(), t.shape);
  const st = viewStrides(t.shape, t.strides, s);
  if (!st)
    throw new ShapeError(`view: cannot view shape ${fmt(t.shape)} with strides ${fmt(t.strides)} as ${fmt(s)}: ` +
      'the size is not compatible with the strides (some dims span non-contiguous memory); call .contiguous() first, or use .reshape()');
  return attachPure(t.asStrided(s, st, t.offset), 'ViewBackward0', [t], reshapeBack(t));
}

export function reshape(t: Tensor, shape: Shape): Tensor {
  const s = inferShape('reshape', shape, t.numel(), t.shape);
  const st = viewStrides(t.shape, t.strides, s);
  return st ? attachPure(t.asStrided(s, st, t.offset), 'ReshapeAliasBackward0', [t], reshapeBack(t)) : view(t.clone(), s);
}

export function permute(t: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== t.ndim) throw new ShapeError(`permute: got ${dims.length} dims [${dims}] for a tensor of shape ${fmt(t.shape)} (${t.ndim} dims)`);
  const ds = dims.map((d) => normalizeDim('permute', d, t.ndim));
  if (new Set(ds).size !== ds.length) throw new ShapeError(`permute: dims [${dims}] repeat a dim`);
  const inv = ds.map((_, i) => ds.indexOf(i));
  return attachPure(t.asStrided(ds.map((d) => t.shape[d]!), ds.map((d) => t.strides[d]!), t.offset), 'PermuteBackward0', [t], (g) => [permute(g, inv)]);
}

export function transpose(t: Tensor, d0: number, d1: number): Tensor {
  if (t.ndim === 0) return t;
  const a = normalizeDim('transpose', d0, t.ndim), b = normalizeDim('transpose', d1, t.ndim);
  const perm = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(t, perm);
}

/** 2-D transpose (a 0-D or 1-D tensor is returned as it is). */
export function t2d(t: Tensor): Tensor {
  if (t.ndim > 2) throw new ShapeError(`t: expects a tensor of ≤ 2 dims, got shape ${fmt(t.shape)}; use transpose(d0, d1) or permute`);
  return t.ndim < 2 ? t : transpose(t, 0, 1);
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, t.ndim, 1);
  const shape = [...t.shape], strides = [...t.strides];
  const st = d < t.ndim ? t.strides[d]! * t.shape[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return attachPure(t.asStrided(shape, strides, t.offset), 'UnsqueezeBackward0', [t], reshapeBack(t));
}

export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  const ds = dim === undefined ? t.shape.map((_, i) => i) : (typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim('squeeze', d, t.ndim));
  const keep = t.shape.map((n, i) => !(n === 1 && ds.includes(i)));
  return attachPure(t.asStrided(t.shape.filter((_, i) => keep[i]), t.strides.filter((_, i) => keep[i]), t.offset), 'SqueezeBackward0', [t], reshapeBack(t));
}

/** A stride-0 view that repeats size-1 dims (and adds leading ones); -1 keeps a size. */
export function expand(t: Tensor, shape: Shape): Tensor {
  const n = shape.length;
  if (n < t.ndim) throw new ShapeError(`expand: the target ${fmt(shape)} has fewer dims than the tensor ${fmt(t.shape)}`);
  const outShape: number[] = [], outStrides: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i - (n - t.ndim);
    const have = j >= 0 ? t.shape[j]! : 1;
    const want = shape[i] === -1 ? have : shape[i]!;
    if (!Number.isInteger(want) || want < 0) throw new ShapeError(`expand: sizes must be non-negative integers or -1, got ${shape[i]} at dim ${i} of ${fmt(shape)}`);
    if (shape[i] === -1 && j < 0) throw new ShapeError(`expand: -1 is not allowed for the new leading dim ${i} in ${fmt(shape)}`);
    if (have !== want && have !== 1)
      throw new ShapeError(`expand: the size ${have} of the tensor ${fmt(t.shape)} must match the size ${want} at non-singleton dim ${i} of ${fmt(shape)}`);
    outShape.push(want);
    outStrides.push(j >= 0 && have === want ? t.strides[j]! : 0);
  }
  if (sameShape(outShape, t.shape)) return t;
  // The engine sums the gradient back over the expanded dims.
  return attachPure(t.asStrided(outShape, outStrides, t.offset), 'ExpandBackward0', [t], (g) => [g]);
}

export const expandAs = (t: Tensor, other: Tensor): Tensor => expand(t, other.shape);

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normalizeDim('flatten', startDim, t.ndim), e = normalizeDim('flatten', endDim, t.ndim);
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const mid = t.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(t, [...t.shape.slice(0, s), mid, ...t.shape.slice(e + 1)]);
}

/** Elements start, start+step, ... before stop along one dim (stop exclusive, already clamped). */
export function sliceDim(t: Tensor, dim: number, start: number, stop: number, step = 1): Tensor {
  if (step <= 0) throw new IndexError(`slice: step must be positive, got ${step} (PyTorch has no negative steps; use flip)`);
  const d = normalizeDim('slice', dim, t.ndim);
  const len = Math.max(0, Math.ceil((stop - start) / step));
  const shape = [...t.shape], strides = [...t.strides];
  shape[d] = len;
  strides[d] = t.strides[d]! * step;
  return attachPure(t.asStrided(shape, strides, t.offset + start * t.strides[d]!), 'SliceBackward0', [t],
    pickBack(t, (z) => sliceDim(z, d, start, stop, step)));
}

export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, t.ndim);
  const n = t.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || !Number.isInteger(length))
    throw new IndexError(`narrow: start and length must be integers, got ${start} and ${length} (dim ${dim} has size ${n})`);
  if (s < 0 || length < 0 || s + length > n)
    throw new IndexError(`narrow: start ${start} + length ${length} exceeds dim ${dim} of size ${n} (shape ${fmt(t.shape)})`);
  return sliceDim(t, d, s, s + length);
}

/** The index-th entry along dim, removing that dim. */
export function select(t: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim('select', dim, t.ndim);
  const n = t.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n)
    throw new IndexError(`index ${index} is out of bounds for dim ${d} with size ${n} (shape ${fmt(t.shape)})`);
  const i = index < 0 ? index + n : index;
  return attachPure(t.asStrided(t.shape.filter((_, k) => k !== d), t.strides.filter((_, k) => k !== d), t.offset + i * t.strides[d]!),
    'SelectBackward0', [t], pickBack(t, (z) => select(z, d, i)));
}

export function split(t: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, t.ndim);
  const n = t.shape[d]!;
  let list: number[];
  if (typeof sizes === 'number') {
    if (!(sizes > 0)) throw new ShapeError(`split: split size must be positive, got ${sizes}`);
    list = Array.from({ length: Math.max(1, Math.ceil(n / sizes)) }, (_, i) => Math.min(sizes, n - i * sizes));
  } else {
    list = [...sizes];
    if (list.reduce((a, b) => a + b, 0) !== n) throw new ShapeError(`split: sizes [${list}] must sum to ${n}, the size of dim ${dim} (shape ${fmt(t.shape)})`);
  }
  let start = 0;
  return list.map((len) => {
    const v = narrow(t, d, start, len);
    start += len;
    return v;
  });
}

export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks < 1) throw new ShapeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const n = t.shape[normalizeDim('chunk', dim, t.ndim)]!;
  return split(t, Math.max(1, Math.ceil(n / chunks)), dim);
}

export function unbind(t: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim('unbind', dim, t.ndim);
  return Array.from({ length: t.shape[d]! }, (_, i) => select(t, d, i));
}

/** The diagonal of dims d1, d2 as a view (a new last dim), as einsum's repeated indices need. */
export function diagonal(t: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const a = normalizeDim('diagonal', dim1, t.ndim), b = normalizeDim('diagonal', dim2, t.ndim);
  if (a === b) throw new ShapeError(`diagonal: dim1 and dim2 must differ, both are ${a}`);
  const na = t.shape[a]!, nb = t.shape[b]!;
  const len = Math.max(0, offset >= 0 ? Math.min(na, nb - offset) : Math.min(na + offset, nb));
  const start = len === 0 ? t.offset : t.offset + (offset >= 0 ? offset * t.strides[b]! : -offset * t.strides[a]!);
  const keep = t.shape.map((_, i) => i !== a && i !== b);
  return attachPure(t.asStrided([...t.shape.filter((_, i) => keep[i]), len], [...t.strides.filter((_, i) => keep[i]), t.strides[a]! + t.strides[b]!], start),
    'DiagonalBackward0', [t], pickBack(t, (z) => diagonal(z, offset, a, b)));
}
