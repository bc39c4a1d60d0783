// Reductions over an int, a negative int or a list of dims, with keepdim. The reduced dims are
// moved last and made contiguous, so each output element reduces one contiguous block.
import { DTypeError, getBackend, IndexError, ShapeError } from '@groundup/kernels';
import { allocate, INT32_MAX, INT32_MIN, isFloating, requireFloating, type DType, type TypedArray } from './dtype.ts';
import { fmt, normalizeDims } from './shape.ts';
import { Storage } from './storage.ts';
import { Tensor } from './tensor.ts';
import { attachPure } from './autograd/node.ts';
import { permute, reshape, expand } from './views.ts';
import { full } from './creation.ts';
import { scatterAdd } from './indexing.ts';
import { reducePlan, sumInto, type ReducePlan } from './reduce-strided.ts';
import { BACKEND_MIN } from './ops/loop.ts';
import { cudaReduce } from './device/reduce.ts';


/** A reduced gradient made to broadcast against the input again: reinsert the reduced dims as 1s. */
function unreduce(g: Tensor, t: Tensor, dims: Dims | undefined, keepdim: boolean): Tensor {
  if (keepdim) return g;
  const ds = normalizeDims('backward', dims, t.ndim);
  return reshape(g, t.shape.map((n, i) => (ds.includes(i) ? 1 : n)));
}
const expandBack = (g: Tensor, t: Tensor, dims: Dims | undefined, keepdim: boolean): Tensor => expand(unreduce(g, t, dims, keepdim), t.shape);
const zerosOf = (t: Tensor): Tensor => full(t.shape, 0, { dtype: t.dtype, device: t.device });

export type Dims = number | readonly number[];

interface Blocks { data: TypedArray; outer: number; inner: number; outShape: number[] }

function blocks(op: string, t: Tensor, dims: Dims | undefined, keepdim: boolean): Blocks {
  const ds = normalizeDims(op, dims, t.ndim);
  const kept = t.shape.map((_, i) => i).filter((i) => !ds.includes(i));
  const c = permute(t, [...kept, ...ds]).contiguous();
  const data = c.offset === 0 ? c.data : c.data.subarray(c.offset);
  const inner = ds.reduce((a, d) => a * t.shape[d]!, 1);
  const outShape = keepdim ? t.shape.map((n, i) => (ds.includes(i) ? 1 : n)) : kept.map((i) => t.shape[i]!);
  return { data, outer: kept.reduce((a, d) => a * t.shape[d]!, 1), inner, outShape };
}

function result(dtype: DType, shape: number[], data?: TypedArray): Tensor {
  return new Tensor(new Storage(data ?? allocate(dtype, shape.reduce((a, b) => a * b, 1))), shape, undefined, 0, dtype);
}

/**
 * t without its broadcast (stride-0) dims where they do not change a reduction: kept ones only
 * repeat outputs, and reduced ones repeat inputs, which an idempotent reduction (max, all, argmax)
 * ignores. Null when there are none. A huge expanded view is then reduced from its real data.
 */
function unbroadcast(t: Tensor, ds: readonly number[], idempotent: boolean): { small: Tensor; keptShape: number[] } | null {
  const narrow = t.shape.map((n, i) => t.strides[i] === 0 && n > 1 && (idempotent || !ds.includes(i)));
  if (!narrow.includes(true)) return null;
  return { small: t.detach().asStrided(t.shape.map((n, i) => (narrow[i] ? 1 : n)), t.strides, t.offset), keptShape: t.shape.map((n, i) => (ds.includes(i) ? 1 : n)) };
}

function fold(op: string, t: Tensor, dims: Dims | undefined, keepdim: boolean, dtype: DType,
  f: (d: TypedArray, start: number, n: number) => number, idempotent = false): Tensor {
  const ub = unbroadcast(t, normalizeDims(op, dims, t.ndim), idempotent);
  if (ub) {
    const r = fold(op, ub.small, dims, true, dtype, f, idempotent).expand(ub.keptShape).contiguous();
    const ds = normalizeDims(op, dims, t.ndim);
    return keepdim ? r : r.reshape(t.shape.filter((_, i) => !ds.includes(i)));
  }
  const b = blocks(op, t, dims, keepdim);
  const out = result(dtype, b.outShape);
  for (let i = 0; i < b.outer; i++) out.data[i] = f(b.data, i * b.inner, b.inner);
  return out;
}

const sumBlock = (d: TypedArray, s: number, n: number): number => {
  let acc = 0;
  for (let j = s; j < s + n; j++) acc += d[j]!;
  return acc;
};

/**
 * An integer reduction's float64 result (exact to 2^53) as int32, or a DTypeError naming the value:
 * int32 stands in for PyTorch's int64 here, so a result past its range must not wrap silently.
 */
function checkedInt32(op: string, r: Tensor): Tensor {
  const d = r.data, out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= INT32_MIN && v <= INT32_MAX))
      throw new DTypeError(`${op}: the integer result ${v} does not fit int32 (range ${INT32_MIN}..${INT32_MAX}; groundup's int64 is an alias of int32); convert first, e.g. x.to('float64').${op}()`);
    out[i] = v;
  }
  return result('int32', [...r.shape], out);
}
/** sum/prod/cumsum of a float tensor as is; of an int or bool tensor in float64, then checked into int32. */
const intSafe = (op: string, t: Tensor, run: (dtype: DType) => Tensor): Tensor =>
  isFloating(t.dtype) ? run(t.dtype) : checkedInt32(op, run('float64'));

/** Strided sum (or mean, with divisor) straight from t's storage: no permuted copy, broadcast dims multiplied. */
function sumLike(op: string, t: Tensor, dim: Dims | undefined, keepdim: boolean, dtype: DType, mean: boolean): Tensor {
  const plan = reducePlan(op, t, dim, keepdim);
  const out = result(dtype, plan.outShape);
  if (!channelSums(t, plan, out, mean)) sumInto(plan, t, out.data, mean ? plan.count : 1);
  return out;
}

/** A bias gradient (a contiguous float32 [outer, C, inner] summed to [C]) on the backend's kernel, where it has one. */
function channelSums(t: Tensor, plan: ReducePlan, out: Tensor, mean: boolean): boolean {
  const run = getBackend().kernels.sumOuterInner;
  if (!run || t.dtype !== 'float32' || plan.keptShape.length !== 1 || plan.repeat !== 1 || t.numel() < BACKEND_MIN || !t.isContiguous()) return false;
  const C = plan.keptShape[0]!, inner = plan.keptStrides[0]!;
  run(t.data as Float32Array, t.offset, t.numel() / (C * inner), C, inner, out.data as Float32Array, mean ? plan.count : 1);
  return true;
}

export const sum = (t: Tensor, dim?: Dims, keepdim = false): Tensor =>
  attachPure(t.isCuda ? cudaSum(t, dim, keepdim) : intSafe('sum', t, (dt) => sumLike('sum', t, dim, keepdim, dt, false)), 'SumBackward0', [t], (g) => [expandBack(g, t, dim, keepdim)]);

/** sum on the device: an int or bool tensor's sum comes back as int32 (exact below 2^24 per output). */
function cudaSum(t: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  const r = cudaReduce('sum', t, dim, keepdim);
  return isFloating(t.dtype) ? r : r.to('int32');
}

export function prod(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const out = intSafe('prod', t, (dt) => fold('prod', t, dim, keepdim, dt, (d, s, n) => {
    let acc = 1;
    for (let j = s; j < s + n; j++) acc *= d[j]!;
    return acc;
  }));
  // d prod / d x_i = the product of the others (exact with zeros, unlike prod / x_i).
  return attachPure(out, 'ProdBackward0', [t], (g) => [expandBack(g, t, dim, keepdim).mul(productOfOthers(t, dim))], [t]);
}

/** For each element, the product of the other elements of its reduced block (prefix × suffix products). */
function productOfOthers(t: Tensor, dim: Dims | undefined): Tensor {
  const ds = normalizeDims('prod', dim, t.ndim);
  const kept = t.shape.map((_, i) => i).filter((i) => !ds.includes(i));
  const order = [...kept, ...ds];
  const b = blocks('prod', t, dim, true);
  const out = allocate(t.dtype, t.numel());
  for (let s = 0; s < out.length; s += b.inner) {
    let acc = 1;
    for (let j = 0; j < b.inner; j++) { out[s + j] = acc; acc *= b.data[s + j]!; }
    acc = 1;
    for (let j = b.inner - 1; j >= 0; j--) { out[s + j]! *= acc; acc *= b.data[s + j]!; }
  }
  const permuted = Tensor.fromData(out, order.map((i) => t.shape[i]!));
  return permute(permuted, order.map((_, i) => order.indexOf(i)));
}

export function mean(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(t.dtype)) throw new DTypeError(`mean: could not infer the output dtype: the input is ${t.dtype}, but mean needs a floating-point tensor; call .float() first`);
  const out = t.isCuda ? cudaReduce('mean', t, dim, keepdim) : sumLike('mean', t, dim, keepdim, t.dtype, true);
  const n = t.numel() / Math.max(out.numel(), 1);
  return attachPure(out, 'MeanBackward0', [t], (g) => [expandBack(g, t, dim, keepdim).div(n)]);
}

export interface VarOptions { correction?: number; unbiased?: boolean; keepdim?: boolean }
const correctionOf = (o: VarOptions): number => o.correction ?? (o.unbiased === false ? 0 : 1);

/** Variance, unbiased (n − 1) by default as in PyTorch. Two-pass for accuracy. */
export function variance(t: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  requireFloating('var', t.dtype);
  const corr = correctionOf(opts), keepdim = opts.keepdim ?? false;
  if (t.isCuda) {  // two passes, from the device ops (their gradients compose to var's)
    const n = t.numel() / Math.max(t.sum(dim, keepdim).numel(), 1);
    return t.sub(mean(t, dim, true)).square().sum(dim, keepdim).div(Math.max(n - corr, 0));
  }
  const out = fold('var', t, dim, keepdim, t.dtype, (d, s, n) => {
    const m = sumBlock(d, s, n) / n;
    let acc = 0;
    for (let j = s; j < s + n; j++) acc += (d[j]! - m) ** 2;
    return acc / Math.max(n - corr, 0);
  });
  const n = t.numel() / Math.max(out.numel(), 1);
  return attachPure(out, 'VarBackward0', [t], (g) => {
    const centred = t.sub(mean(t, dim, true));
    return [expandBack(g, t, dim, keepdim).mul(centred).mul(2 / Math.max(n - corr, 0))];
  }, [t]);
}
/** The square root of variance (so its gradient is sqrt's after var's). */
export const std = (t: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor => variance(t, dim, opts).sqrt();

/** Stable log Σ exp: m + log Σ exp(x − m), m the block max. */
export function logsumexp(t: Tensor, dim: Dims, keepdim = false): Tensor {
  if (t.isCuda) {  // m + log Σ exp(x − m), with m the (detached) max over the dims
    const m = cudaReduce('max', t.detach(), dim, true);
    const finite = m.where(m.isfinite(), 0);
    const r = t.sub(finite).exp().sum(dim, true).log().add(finite);
    return keepdim ? r : r.reshape(t.shape.filter((_, i) => !normalizeDims('logsumexp', dim, t.ndim).includes(i)));
  }
  const out = fold('logsumexp', t, dim, keepdim, isFloating(t.dtype) ? t.dtype : 'float32', (d, s, n) => {
    let m = -Infinity;
    for (let j = s; j < s + n; j++) if (d[j]! > m || d[j] !== d[j]) m = d[j]!;
    if (m !== m) return NaN;
    if (m === -Infinity || m === Infinity) return m;
    let acc = 0;
    for (let j = s; j < s + n; j++) acc += Math.exp(d[j]! - m);
    return m + Math.log(acc);
  });
  // d/dx logsumexp = softmax(x).
  return attachPure(out, 'LogsumexpBackward0', [t], (g) => [unreduce(g, t, dim, keepdim).mul(t.sub(unreduce(out, t, dim, keepdim)).exp())], [t, out]);
}

export const all = (t: Tensor, dim?: Dims, keepdim = false): Tensor => t.isCuda ? cudaReduce('min', t.ne(0), dim, keepdim).ne(0) : fold('all', t, dim, keepdim, 'bool', (d, s, n) => {
  for (let j = s; j < s + n; j++) if (d[j] === 0) return 0;
  return 1;
}, true);
export const any = (t: Tensor, dim?: Dims, keepdim = false): Tensor => t.isCuda ? cudaReduce('max', t.ne(0), dim, keepdim).ne(0) : fold('any', t, dim, keepdim, 'bool', (d, s, n) => {
  for (let j = s; j < s + n; j++) if (d[j] !== 0) return 1;
  return 0;
}, true);

/** Index of the first max (or min); a NaN counts as the extreme, as in PyTorch. */
function argBlock(d: TypedArray, s: number, n: number, better: (x: number, y: number) => boolean): number {
  let bi = 0, bv = d[s]!;
  for (let j = 1; j < n; j++) {
    const v = d[s + j]!;
    if (bv !== bv) break;
    if (v !== v || better(v, bv)) { bv = v; bi = j; }
  }
  return bi;
}
const gtf = (x: number, y: number): boolean => x > y;
const ltf = (x: number, y: number): boolean => x < y;

function checkNonEmpty(op: string, t: Tensor, dim?: number): void {
  if (t.numel() === 0) throw new IndexError(`${op}: cannot reduce an empty tensor of shape ${fmt(t.shape)}${dim === undefined ? '' : ` over dim ${dim}`}: the operation has no identity`);
}

export function argmax(t: Tensor, dim?: number, keepdim = false): Tensor {
  checkNonEmpty('argmax', t, dim);
  const flat = dim === undefined ? t.reshape([-1]) : t;
  if (t.isCuda) return cudaReduce('argmax', flat, dim ?? 0, dim === undefined ? false : keepdim);
  return fold('argmax', flat, dim ?? 0, dim === undefined ? false : keepdim, 'int32', (d, s, n) => argBlock(d, s, n, gtf), true);
}
export function argmin(t: Tensor, dim?: number, keepdim = false): Tensor {
  checkNonEmpty('argmin', t, dim);
  const flat = dim === undefined ? t.reshape([-1]) : t;
  if (t.isCuda) return cudaReduce('argmin', flat, dim ?? 0, dim === undefined ? false : keepdim);
  return fold('argmin', flat, dim ?? 0, dim === undefined ? false : keepdim, 'int32', (d, s, n) => argBlock(d, s, n, ltf), true);
}

/** values and indices, indexable as [0] and [1] like PyTorch's named tuple. */
export type ValuesIndices = readonly [Tensor, Tensor] & { values: Tensor; indices: Tensor };
export const valuesIndices = (values: Tensor, indices: Tensor): ValuesIndices =>
  Object.assign([values, indices] as const, { values, indices });

function extreme(op: 'max' | 'min', t: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  checkNonEmpty(op, t, dim);
  const better = op === 'max' ? gtf : ltf;
  const cudaPair = t.isCuda ? [cudaReduce(op, t.detach(), dim, keepdim), cudaReduce(op === 'max' ? 'argmax' : 'argmin', t.detach(), dim, keepdim)] as const : null;
  const b = cudaPair ? null : blocks(op, t, dim, keepdim);
  const values = cudaPair?.[0] ?? result(t.dtype, b!.outShape), indices = cudaPair?.[1] ?? result('int32', b!.outShape);
  for (let i = 0; b && i < b.outer; i++) {
    const j = argBlock(b.data, i * b.inner, b.inner, better);
    indices.data[i] = j;
    values.data[i] = b.data[i * b.inner + j]!;
  }
  // The whole gradient goes to the returned index.
  const d = dim < 0 ? dim + t.ndim : dim;
  attachPure(values, op === 'max' ? 'MaxBackward0' : 'MinBackward0', [t], (g) =>
    [scatterAdd(zerosOf(t), d, unreduce(indices, t, dim, keepdim), unreduce(g, t, dim, keepdim))]);
  return valuesIndices(values, indices);
}
export const maxDim = (t: Tensor, dim: number, keepdim = false): ValuesIndices => extreme('max', t, dim, keepdim);
export const minDim = (t: Tensor, dim: number, keepdim = false): ValuesIndices => extreme('min', t, dim, keepdim);
/** max() over everything; on ties the gradient is shared evenly, as in PyTorch. */
function extremeAll(op: 'max' | 'min', t: Tensor): Tensor {
  checkNonEmpty(op, t);
  if (t.isCuda) {
    const out = cudaReduce(op, t.detach(), undefined, false);
    return attachPure(out, op === 'max' ? 'MaxBackward1' : 'MinBackward1', [t], (g) => {
      const mask = t.eq(out).to(t.dtype);
      return [mask.mul(g).div(mask.sum())];
    }, [t, out]);
  }
  const b = blocks(op, unbroadcast(t, t.shape.map((_, i) => i), true)?.small ?? t, undefined, false);
  const out = result(t.dtype, []);
  out.data[0] = b.data[argBlock(b.data, 0, b.inner, op === 'max' ? gtf : ltf)]!;
  return attachPure(out, op === 'max' ? 'MaxBackward1' : 'MinBackward1', [t], (g) => {
    const mask = t.eq(out).to(t.dtype);
    return [mask.mul(g).div(mask.sum())];
  }, [t, out]);
}
export const maxAll = (t: Tensor): Tensor => extremeAll('max', t);
export const minAll = (t: Tensor): Tensor => extremeAll('min', t);

/** Stable sort along a dim; NaN sorts last (first when descending), as in PyTorch. */
export function sort(t: Tensor, dim = -1, descending = false): ValuesIndices {
  if (t.ndim === 0) return valuesIndices(t.clone(), result('int32', []));
  const d = dim < 0 ? dim + t.ndim : dim;
  if (d < 0 || d >= t.ndim) throw new IndexError(`sort: dim ${dim} is out of range for shape ${fmt(t.shape)}`);
  const moved = t.shape.map((_, i) => i).filter((i) => i !== d).concat([d]);
  // blocks() moves dim d last and makes that contiguous: each row to sort is one block.
  const b = blocks('sort', t, d, true);
  const src = b.data;
  const vals = allocate(t.dtype, t.numel()), idx = new Int32Array(t.numel());
  for (let i = 0; i < b.outer; i++) {
    const s = i * b.inner;
    const order = Array.from({ length: b.inner }, (_, j) => j);
    order.sort((x, y) => {
      const vx = src[s + x]!, vy = src[s + y]!;
      const nx = vx !== vx, ny = vy !== vy;
      if (nx || ny) return nx && ny ? x - y : (nx ? 1 : -1) * (descending ? -1 : 1);
      return (descending ? vy - vx : vx - vy) || x - y;
    });
    for (let j = 0; j < b.inner; j++) { vals[s + j] = src[s + order[j]!]!; idx[s + j] = order[j]!; }
  }
  const movedShape = moved.map((i) => t.shape[i]!);
  const inv = moved.map((_, i) => moved.indexOf(i));
  const V = permute(Tensor.fromData(vals, movedShape), inv).contiguous();
  const I = permute(Tensor.fromData(idx, movedShape), inv).contiguous();
  attachPure(V, 'SortBackward0', [t], (g) => [scatterAdd(zerosOf(t), d, I, g)]);
  return valuesIndices(V, I);
}
export const argsort = (t: Tensor, dim = -1, descending = false): Tensor => sort(t, dim, descending).indices;

export function topk(t: Tensor, k: number, dim = -1, largest = true): ValuesIndices {
  const d = dim < 0 ? dim + t.ndim : dim;
  if (!(k >= 0 && k <= (t.shape[d] ?? 1))) throw new ShapeError(`topk: k (${k}) is out of range for dim ${dim} of size ${t.shape[d]}`);
  const s = sort(t, d, largest);
  return valuesIndices(s.values.narrow(d, 0, k).contiguous(), s.indices.narrow(d, 0, k).contiguous());
}

export function cumsum(t: Tensor, dim: number): Tensor {
  const d = dim < 0 ? dim + t.ndim : dim;
  const moved = t.shape.map((_, i) => i).filter((i) => i !== d).concat([d]);
  const src = blocks('cumsum', t, d, true).data, n = t.shape[d] ?? 1;
  const run = (dtype: DType): Tensor => {
    const out = allocate(dtype, t.numel());
    for (let s = 0; s < out.length; s += n) {
      let acc = 0;
      for (let j = 0; j < n; j++) out[s + j] = acc += src[s + j]!;
    }
    return permute(Tensor.fromData(out, moved.map((i) => t.shape[i]!)), moved.map((_, i) => moved.indexOf(i))).contiguous();
  };
  const r = intSafe('cumsum', t, run);
  // The gradient of a running sum is the running sum of the gradient, taken from the end.
  const flip = (x: Tensor): Tensor => x.indexSelect(d, Tensor.fromData(Int32Array.from({ length: n }, (_, i) => n - 1 - i), [n]));
  return attachPure(r, 'CumsumBackward0', [t], (g) => [flip(cumsum(flip(g), d))]);
}
