// PyTorch indexing in one TS syntax: x.at(0), x.at(':', 0), x.at('1:', null), x.at('...', null),
// x.at(slice(0, 2)), x.at(arange(n), targ). Ints, slices, null and '...' give views; int (or
// bool) tensors gather with NumPy's advanced-indexing rules. Writes go through setAt/indexPut_.
import { DTypeError, IndexError } from '@groundup/kernels';
import { allocate, toInt32 } from './dtype.ts';
import { assignInPlace } from './elementwise.ts';
import { offsetsOf } from './iterate.ts';
import { broadcastAll, fmt, sameShape } from './shape.ts';
import { Storage } from './storage.ts';
import { attach } from './autograd/node.ts';
import { inPlace } from './autograd/inplace.ts';
import { isGradEnabled } from './autograd/grad-mode.ts';
import { full } from './creation.ts';
import { where } from './elementwise.ts';
import { cudaGather, cudaIndexSelect, cudaPut, cudaScatterAdd, cudaTake } from './device/index-ops.ts';
import { resultDevice } from './device/cuda.ts';
import { Tensor } from './tensor.ts';
import { expand, permute, select, sliceDim, unsqueeze } from './views.ts';

export interface Slice { start?: number | null; stop?: number | null; step?: number | null }
export type IndexItem = number | null | string | Slice | Tensor | readonly number[];

/** slice(start, stop, step), like Python's; null means "from the end". */
export const slice = (start?: number | null, stop?: number | null, step?: number | null): Slice => ({ start, stop, step });

function parseSlice(s: string): Slice {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) throw new IndexError(`index: '${s}' is not a slice; use ':', 'a:b' or 'a:b:c'`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === '') return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new IndexError(`index: '${s}' has a non-integer bound '${p}'`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

const sliceKeys = new Set(['start', 'stop', 'step']);

/** A slice object whose fields are integers or null (a fraction or NaN would give NaN offsets). */
function checkSlice(sl: Slice): Slice {
  for (const k of Object.keys(sl))
    if (!sliceKeys.has(k)) throw new IndexError(`index: a slice object has start, stop and step, got a field '${k}'; use slice(start, stop, step)`);
  for (const k of ['start', 'stop', 'step'] as const) {
    const v = sl[k];
    if (v !== null && v !== undefined && !Number.isSafeInteger(v))
      throw new IndexError(`index: slice ${k} must be an integer or null, got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  }
  return sl;
}

const describeRange = (n: number): string => (n > 0 ? `valid indices are ${-n}..${n - 1}` : 'the dim is empty');

/** An index along a dim of size n: an integer in [-n, n), or an IndexError with the value and the valid range. */
function checkIndex(where: string, i: number, n: number, dim: number): void {
  if (!Number.isInteger(i)) throw new IndexError(`${where}: index ${i} is not an integer (dim ${dim} has size ${n}, ${describeRange(n)})`);
  if (i < -n || i >= n) throw new IndexError(`${where}: index ${i} is out of bounds for dim ${dim} with size ${n} (${describeRange(n)})`);
}

/** A JS array used as an index: whole numbers in range gather like an int tensor, booleans mask like a bool tensor. */
function arrayIndex(x: readonly unknown[], dim: number, n: number): Tensor {
  if (x.length > 0 && x.every((v) => typeof v === 'boolean')) return Tensor.fromData(Uint8Array.from(x as boolean[], (b) => +b), [x.length]);
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    if (typeof v !== 'number') throw new IndexError(`index: a list index holds ${typeof v} ${JSON.stringify(v)} at position ${k}; use integers (or all booleans for a mask)`);
    checkIndex(`index: list element ${k}`, v, n, dim);
  }
  return Tensor.fromData(Int32Array.from(x as number[]), [x.length]);
}

/** Python's slice.indices(n): clamped start and stop for a positive step. */
function bounds(sl: Slice, n: number): [number, number, number] {
  const step = sl.step ?? 1;
  if (step <= 0) throw new IndexError(`index: slice step must be positive, got ${step} (PyTorch has no negative steps; use flip)`);
  const fix = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  return [fix(sl.start, 0), fix(sl.stop, n), step];
}

const isTensorLike = (x: IndexItem): x is Tensor | readonly number[] => x instanceof Tensor || Array.isArray(x);
const consumes = (x: IndexItem): number => (x === null || x === '...' ? 0 : x instanceof Tensor && x.dtype === 'bool' ? x.ndim : 1);

interface Advanced { pos: number; index: Tensor }

/** Applies the basic items as a view; returns it with the advanced indices and their dims. */
function basic(t: Tensor, items: readonly IndexItem[]): { v: Tensor; adv: Advanced[] } {
  const ell = items.filter((x) => x === '...').length;
  if (ell > 1) throw new IndexError(`index: an index can only have a single ellipsis ('...'), got ${ell}`);
  const used = items.reduce<number>((a, x) => a + consumes(x), 0);
  if (used > t.ndim) throw new IndexError(`index: too many indices for a tensor of ${t.ndim} dims (shape ${fmt(t.shape)}): ${used} were given`);
  const full: IndexItem[] = [];
  for (const x of items) {
    if (x === '...') for (let i = 0; i < t.ndim - used; i++) full.push(':');
    else full.push(x);
  }
  let v = t, pos = 0;
  const adv: Advanced[] = [];
  for (const x of full) {
    if (x === null) { v = unsqueeze(v, pos); pos++; continue; }
    if (typeof x === 'number') {
      checkIndex(`index (shape ${fmt(t.shape)})`, x, v.shape[pos]!, pos);
      v = select(v, pos, x);
      continue;
    }
    if (isTensorLike(x)) {
      const idx = x instanceof Tensor ? x : arrayIndex(x, pos, v.shape[pos]!);
      if (idx.dtype === 'bool') {
        for (let k = 0; k < idx.ndim; k++)
          if (idx.shape[k] !== v.shape[pos + k]) throw new IndexError(`index: the mask of shape ${fmt(idx.shape)} does not match the indexed tensor's shape ${fmt(v.shape.slice(pos, pos + idx.ndim))} at dim ${pos + k}`);
        nonzero(idx).forEach((col, k) => adv.push({ pos: pos + k, index: col }));
        pos += idx.ndim;
        continue;
      }
      if (idx.dtype !== 'int32') throw new IndexError(`index: tensors used as indices must be int or bool, got ${idx.dtype}; call .long() on it`);
      adv.push({ pos, index: idx });
      pos++;
      continue;
    }
    if (typeof x !== 'string' && (typeof x !== 'object' || x === null))
      throw new IndexError(`index: ${typeof x} ${String(x)} is not an index; use an integer, a slice (':', '1:3', slice(1, 3)), null, '...', an int or bool tensor, or an array of integers`);
    const sl = typeof x === 'string' ? parseSlice(x) : checkSlice(x);
    const [start, stop, step] = bounds(sl, v.shape[pos]!);
    v = sliceDim(v, pos, start, Math.max(start, stop), step);
    pos++;
  }
  return { v, adv };
}

const NO_DATA = new Float32Array(0);

/** The flat offsets an advanced index reads or writes, with its result layout. */
function advancedOffsets(v: Tensor, adv: Advanced[]): { offsets: Int32Array; shape: number[]; perm: number[] | null } {
  const B = broadcastAll('index', adv.map((a) => a.index.shape));
  const advDims = adv.map((a) => a.pos);
  const restDims = v.shape.map((_, i) => i).filter((i) => !advDims.includes(i));
  const restShape = restDims.map((i) => v.shape[i]!);
  const nb = B.reduce((a, b) => a * b, 1);
  const idx = adv.map((a) => {
    const n = v.shape[a.pos]!;
    const host = a.index.storage.block !== null ? a.index.cpu() : a.index;  // a cuda index comes over (a sync, as in PyTorch)
    const e = sameShape(host.shape, B) ? host : expand(host, B);
    const flat = Int32Array.from(offsetsOf(B, e), (o) => e.data[o]!);
    for (const i of flat) if (i < -n || i >= n) checkIndex('index', i, n, a.pos);
    return flat;
  });
  const restOffsets = offsetsOf(restShape, { data: NO_DATA, strides: restDims.map((i) => v.strides[i]!), offset: 0 });
  const offsets = new Int32Array(nb * restOffsets.length);
  for (let b = 0, o = 0; b < nb; b++) {
    let base = v.offset;
    for (let k = 0; k < adv.length; k++) {
      const i = idx[k]![b]!, n = v.shape[adv[k]!.pos]!;
      base += (i < 0 ? i + n : i) * v.strides[adv[k]!.pos]!;
    }
    for (let r = 0; r < restOffsets.length; r++) offsets[o++] = base + restOffsets[r]!;
  }
  // NumPy: adjacent advanced dims stay in place; separated ones go first.
  const adjacent = advDims.every((d, i) => i === 0 || d === advDims[i - 1]! + 1);
  const first = Math.min(...advDims);
  const shape = [...B, ...restShape];
  let perm: number[] | null = null;
  if (adjacent && first > 0) {
    const nB = B.length;
    const restIdx = restShape.map((_, i) => nB + i);
    perm = [...restIdx.slice(0, first), ...B.map((_, i) => i), ...restIdx.slice(first)];
  }
  return { offsets, shape, perm };
}

export function at(t: Tensor, ...items: IndexItem[]): Tensor {
  const { v, adv } = basic(t, items);
  if (adv.length === 0) return v;
  const { offsets, shape, perm } = advancedOffsets(v, adv);
  let r: Tensor;
  if (t.storage.block !== null) r = cudaTake(t, offsets, shape);
  else {
    const out = allocate(t.dtype, offsets.length);
    const d = t.data;
    for (let i = 0; i < offsets.length; i++) out[i] = d[offsets[i]!]!;
    r = new Tensor(new Storage(out), shape, undefined, 0, t.dtype);
  }
  if (perm) r = permute(r, perm).contiguous();
  // Backward: scatter-add the gradient back to where each element came from (repeats add up).
  const vItems = v.shape.map((): IndexItem => ':');
  for (const a of adv) vItems[a.pos] = a.index;
  return attach(r, 'IndexBackward0', [v], (g) => [indexPut_(full(v.shape, 0, { dtype: v.dtype, device: v.device }), vItems, g, true)]);
}

/** x[items] = value, or x[items] += value with accumulate (repeated indices add up). Differentiable. */
export function indexPut_(t: Tensor, items: readonly IndexItem[], value: Tensor | number | boolean, accumulate = false): Tensor {
  t.checkInPlace('setAt');
  if (!isGradEnabled() || !(t.requiresGrad || (value instanceof Tensor && value.requiresGrad)))
    return putRaw(t, items, value instanceof Tensor ? value.detach() : value, accumulate);
  return inPlace(t, 'setAt', [value], (src) => indexPut(src, items, value, accumulate), (self, r) => assignInPlace('setAt', self, r));
}

/** Out-of-place x[items] = value: a copy of t with the items replaced (or added to). */
export function indexPut(t: Tensor, items: readonly IndexItem[], value: Tensor | number | boolean, accumulate = false): Tensor {
  const out = putRaw(t.detach().clone(), items, value, accumulate);
  return attach(out, 'IndexPutBackward0', [t, value], (g) => [
    accumulate ? g : putRaw(g.clone(), items, 0, false),
    value instanceof Tensor ? at(g, ...items) : null,
  ]);
}

function putRaw(t: Tensor, items: readonly IndexItem[], value: Tensor | number | boolean, accumulate: boolean): Tensor {
  const { v, adv } = basic(t, items);
  // Assignment casts the value to the tensor's dtype, as PyTorch's setitem (a copy) does.
  const scalar = (v: number | boolean): number => (t.dtype === 'bool' ? +(Number(v) !== 0) : t.dtype === 'int32' ? toInt32('setAt', Number(v)) : Number(v));
  const val = value instanceof Tensor ? value.detach().to(t.dtype) : new Tensor(new Storage(allocate(t.dtype, 1).fill(scalar(value))), [], [], 0, t.dtype);
  const cuda = resultDevice('setAt', [t, val]) === 'cuda';
  if (adv.length === 0) {
    if (!accumulate) return (assignInPlace('setAt', v, val.detach()), t);
    if (cuda) return (assignInPlace('setAt', v, v.add(val)), t);
    const e = expand(val, v.shape);
    const dst = offsetsOf(v.shape, v), src = offsetsOf(v.shape, e);
    for (let i = 0; i < dst.length; i++) t.data[dst[i]!]! += e.data[src[i]!]!;
    t.markDirty();
    return t;
  }
  const { offsets, shape, perm } = advancedOffsets(v, adv);
  const userShape = perm ? perm.map((p) => shape[p]!) : shape;
  let e = expand(val, userShape);
  if (perm) e = permute(e, perm.map((_, i) => perm.indexOf(i)));
  if (cuda) {
    cudaPut(t, offsets, (e.storage.block === null ? e.to('cuda') : e).expand(shape).contiguous(), accumulate);
    t.markDirty();
    return t;
  }
  const src = offsetsOf(shape, e), d = t.data;
  if (accumulate) for (let i = 0; i < offsets.length; i++) d[offsets[i]!]! += e.data[src[i]!]!;
  else for (let i = 0; i < offsets.length; i++) d[offsets[i]!] = e.data[src[i]!]!;
  t.markDirty();
  return t;
}

/** x[i, j] = value is setAt([i, j], value); a single item may be given bare: setAt(0, value). */
export const setAt = (t: Tensor, items: IndexItem | readonly IndexItem[], value: Tensor | number | boolean): Tensor =>
  indexPut_(t, Array.isArray(items) ? (items as readonly IndexItem[]) : [items as IndexItem], value);

/** Indices of the non-zero elements, one int32 tensor per dim. */
export function nonzero(t: Tensor): Tensor[] {
  if (t.storage.block !== null) return nonzero(t.cpu()).map((c) => c.cuda());  // the count decides the shape: a sync, as in PyTorch
  const offs = offsetsOf(t.shape, t);
  const hits: number[] = [];
  for (let i = 0; i < offs.length; i++) if (t.data[offs[i]!] !== 0) hits.push(i);
  return t.shape.map((_, k) => {
    const inner = t.shape.slice(k + 1).reduce((a, b) => a * b, 1);
    return Tensor.fromData(Int32Array.from(hits, (h) => Math.floor(h / inner) % t.shape[k]!), [hits.length]);
  });
}

/** gather/scatterAdd/indexSelect's index: an int32 tensor (PyTorch's int64) whose entries lie in [0, size); no negative wrap, as in PyTorch. */
function checkScatterIndex(op: string, index: Tensor): void {
  if (index.dtype !== 'int32')
    throw new DTypeError(`${op}: the index must be an int32 tensor (PyTorch's int64), got ${index.dtype}; make it with {dtype: 'int32'} or convert it with .long()`);
}
const scatterBounds = (op: string, c: number, n: number, d: number): IndexError =>
  new IndexError(`${op}: index ${c} is out of bounds for dim ${d} with size ${n} (valid indices are 0..${n - 1}; ${op} does not wrap negative indices)`);

/** torch.gather: out[i][j] = t[index[i][j]][j] for dim 0, and so on. */
export function gather(t: Tensor, dim: number, index: Tensor): Tensor {
  const d = dim < 0 ? dim + t.ndim : dim;
  checkScatterIndex('gather', index);
  if (index.ndim !== t.ndim) throw new IndexError(`gather: index has ${index.ndim} dims but the input has ${t.ndim} (shape ${fmt(t.shape)})`);
  if (resultDevice('gather', [t, index]) === 'cuda') return cudaGather(t, d, index);
  const out = allocate(t.dtype, index.numel());
  const io = offsetsOf(index.shape, index);
  const n = t.shape[d]!;
  const coords = new Array<number>(index.ndim).fill(0);
  for (let k = 0; k < io.length; k++) {
    let off = t.offset;
    for (let a = 0; a < index.ndim; a++) {
      let c = coords[a]!;
      if (a === d) {
        c = index.data[io[k]!]!;
        if (c < 0 || c >= n) throw scatterBounds('gather', c, n, d);
      } else if (c >= t.shape[a]!) throw new IndexError(`gather: index shape ${fmt(index.shape)} exceeds the input shape ${fmt(t.shape)} at dim ${a}`);
      off += c * t.strides[a]!;
    }
    out[k] = t.data[off]!;
    for (let a = index.ndim - 1; a >= 0; a--) { if (++coords[a]! < index.shape[a]!) break; coords[a] = 0; }
  }
  const r = new Tensor(new Storage(out), index.shape, undefined, 0, t.dtype);
  return attach(r, 'GatherBackward0', [t], (g) => [scatterAdd(full(t.shape, 0, { dtype: t.dtype, device: t.device }), d, index, g)]);
}

/** torch.scatter_add (out of place): t with src added at index along dim. */
export function scatterAdd(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = dim < 0 ? dim + t.ndim : dim;
  checkScatterIndex('scatterAdd', index);
  if (index.ndim !== t.ndim) throw new IndexError(`scatterAdd: index has ${index.ndim} dims but the tensor has ${t.ndim} (shape ${fmt(t.shape)})`);
  if (resultDevice('scatterAdd', [t, index, src]) === 'cuda') return cudaScatterAdd(t, d, index, src);
  const out = t.detach().clone();
  const io = offsetsOf(index.shape, index), so = offsetsOf(index.shape, src.shape.every((n, i) => n === index.shape[i]) ? src : expand(src, index.shape));
  const n = out.shape[d]!, coords = new Array<number>(index.ndim).fill(0);
  for (let k = 0; k < io.length; k++) {
    let off = 0;
    for (let a = 0; a < index.ndim; a++) {
      const c = a === d ? index.data[io[k]!]! : coords[a]!;
      if (a === d && (c < 0 || c >= n)) throw scatterBounds('scatterAdd', c, n, d);
      off += c * out.strides[a]!;
    }
    out.data[off]! += src.data[so[k]!]!;
    for (let a = index.ndim - 1; a >= 0; a--) { if (++coords[a]! < index.shape[a]!) break; coords[a] = 0; }
  }
  return attach(out, 'ScatterAddBackward0', [t, src], (g) => [g, gather(g, d, index)]);
}

/** torch.index_select: the entries of index (int32, 0 ≤ i < size, 1-d) along dim. */
export const indexSelect = (t: Tensor, dim: number, index: Tensor): Tensor => {
  const d = dim < 0 ? dim + t.ndim : dim;
  checkScatterIndex('indexSelect', index);
  if (resultDevice('indexSelect', [t, index]) === 'cuda') return cudaIndexSelect(t, d, index);
  const n = t.shape[d]!, io = offsetsOf(index.shape, index);
  for (let k = 0; k < io.length; k++) {
    const c = index.data[io[k]!]!;
    if (c < 0 || c >= n) throw scatterBounds('indexSelect', c, n, d);
  }
  return at(t, ...Array.from({ length: d }, () => ':'), index);
};

/** t with value where mask is true (mask broadcasts). */
export const maskedFill = (t: Tensor, mask: Tensor, value: number): Tensor => where(mask, value, t);
