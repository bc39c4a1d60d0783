// Tensor methods, so that a book line translates one to one: x.matmul(w).add(b), x.sum(1, true),
// x.view(-1, 784), x.at(':', 0). Each is a thin call into the op's own file.
import type { Generator } from './random/index.ts';
import { conv2d, type Conv2dOptions } from './conv.ts';
import * as E from './elementwise.ts';
import { elementwiseOp } from './ops/define.ts';
import { formatTensor } from './format.ts';
import * as I from './inplace.ts';
import * as AI from './autograd/inplace.ts';
import { at, indexPut_, maskedFill, setAt, gather, indexSelect, type IndexItem } from './indexing.ts';
import { matmul, mm, dot, bmm } from './matmul.ts';
import * as R from './reduce.ts';
import { logSoftmax, softmax } from './softmax.ts';
import { Tensor } from './tensor.ts';
import * as V from './views.ts';

type TL = E.TensorLike;
type ShapeLike = [readonly number[]] | number[];
const shapeArg = (args: ShapeLike): number[] => (Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]));

declare module './tensor.ts' {
  // The elementwise ops' methods (x.add(y, alpha), x.relu(), x.sub_(g, lr) ...) come from their records.
  interface Tensor extends E.ElementwiseMethods {
    clampMin(min: number): Tensor; clampMax(max: number): Tensor; clampMin_(min: number): Tensor;
    /** x.where(cond, y) = where(cond, x, y) */
    where(cond: Tensor, other: TL): Tensor;
    maskedFill(mask: Tensor, value: number): Tensor;
    maskedFill_(mask: Tensor, value: number): Tensor;
    fill_(value: number | boolean): Tensor; zero_(): Tensor; copy_(src: Tensor): Tensor;
    normal_(mean?: number, std?: number, generator?: Generator): Tensor; uniform_(low?: number, high?: number, generator?: Generator): Tensor;
    bernoulli_(p?: number, generator?: Generator): Tensor;

    sum(dim?: R.Dims, keepdim?: boolean): Tensor; mean(dim?: R.Dims, keepdim?: boolean): Tensor; prod(dim?: R.Dims, keepdim?: boolean): Tensor;
    std(dim?: R.Dims, opts?: R.VarOptions | boolean, keepdim?: boolean): Tensor; var(dim?: R.Dims, opts?: R.VarOptions | boolean, keepdim?: boolean): Tensor;
    max(): Tensor; max(dim: number, keepdim?: boolean): R.ValuesIndices; max(other: Tensor): Tensor;
    min(): Tensor; min(dim: number, keepdim?: boolean): R.ValuesIndices; min(other: Tensor): Tensor;
    argmax(dim?: number, keepdim?: boolean): Tensor; argmin(dim?: number, keepdim?: boolean): Tensor;
    sort(dim?: number, descending?: boolean): R.ValuesIndices; argsort(dim?: number, descending?: boolean): Tensor;
    topk(k: number, dim?: number, largest?: boolean): R.ValuesIndices; cumsum(dim: number): Tensor;
    logsumexp(dim: R.Dims, keepdim?: boolean): Tensor; all(dim?: R.Dims, keepdim?: boolean): Tensor; any(dim?: R.Dims, keepdim?: boolean): Tensor;
    softmax(dim: number): Tensor; logSoftmax(dim: number): Tensor;

    view(shape: readonly number[]): Tensor; view(...shape: number[]): Tensor;
    reshape(shape: readonly number[]): Tensor; reshape(...shape: number[]): Tensor;
    viewAs(other: Tensor): Tensor; reshapeAs(other: Tensor): Tensor;
    permute(dims: readonly number[]): Tensor; permute(...dims: number[]): Tensor;
    expand(shape: readonly number[]): Tensor; expand(...shape: number[]): Tensor; expandAs(other: Tensor): Tensor;
    transpose(dim0: number, dim1: number): Tensor; t(): Tensor; readonly T: Tensor;
    unsqueeze(dim: number): Tensor; squeeze(dim?: number | readonly number[]): Tensor; flatten(startDim?: number, endDim?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor; select(dim: number, index: number): Tensor;
    chunk(chunks: number, dim?: number): Tensor[]; split(size: number | readonly number[], dim?: number): Tensor[]; unbind(dim?: number): Tensor[];
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;

    /** Reads like x[...]: x.at(0), x.at(':', 0), x.at(null), x.at('...', null), x.at(idxTensor, targ). */
    at(...items: IndexItem[]): Tensor;
    /** Writes like x[...] = v: x.setAt([i, j], v), x.setAt(0, row). */
    setAt(items: IndexItem | readonly IndexItem[], value: Tensor | number | boolean): Tensor;
    indexPut_(items: readonly IndexItem[], value: Tensor | number | boolean, accumulate?: boolean): Tensor;
    gather(dim: number, index: Tensor): Tensor; indexSelect(dim: number, index: Tensor): Tensor;

    matmul(other: Tensor): Tensor; mm(other: Tensor): Tensor; dot(other: Tensor): Tensor; bmm(other: Tensor): Tensor;
    conv2d(weight: Tensor, bias?: Tensor | null, opts?: Conv2dOptions): Tensor;
    /** True when shapes and values are the same. */
    equal(other: Tensor): boolean;
    allclose(other: Tensor, rtol?: number, atol?: number): boolean;
    toString(): string;
  }
}

const P = Tensor.prototype;
/** An in-place op: the out-of-place op computed from the current value, written back (autograd-aware). */
const inPlace = (self: Tensor, op: string, others: readonly unknown[], f: (src: Tensor) => Tensor): Tensor =>
  AI.inPlace(self, op, others, f, (s, v) => { E.assignInPlace(op, s, v); });
const varOpts = (o: R.VarOptions | boolean | undefined, keepdim?: boolean): R.VarOptions =>
  typeof o === 'boolean' ? { unbiased: o, keepdim: keepdim ?? false } : { ...(o ?? {}), keepdim: o?.keepdim ?? keepdim ?? false };

Object.assign(P, {
  clampMin(this: Tensor, lo: number) { return E.clampMin(this, lo); },
  clampMax(this: Tensor, hi: number) { return E.clampMax(this, hi); },
  where(this: Tensor, cond: Tensor, other: TL) { return E.where(cond, this, other); },
  maskedFill(this: Tensor, mask: Tensor, v: number) { return maskedFill(this, mask, v); },

  clampMin_(this: Tensor, lo: number) { return elementwiseOp('clamp')!.inPlace(this, [], [lo, Infinity], 'clampMin_'); },
  maskedFill_(this: Tensor, mask: Tensor, v: number) { return inPlace(this, 'maskedFill_', [], (s) => maskedFill(s, mask, v)); },
  fill_(this: Tensor, v: number | boolean) { return I.fill_(this, v); },
  zero_(this: Tensor) { return I.zero_(this); },
  copy_(this: Tensor, src: Tensor) { return I.copy_(this, src); },
  normal_(this: Tensor, m?: number, s?: number, g?: Generator) { return I.normal_(this, m, s, g); },
  uniform_(this: Tensor, lo?: number, hi?: number, g?: Generator) { return I.uniform_(this, lo, hi, g); },
  bernoulli_(this: Tensor, p?: number, g?: Generator) { return I.bernoulli_(this, p, g); },

  sum(this: Tensor, d?: R.Dims, k?: boolean) { return R.sum(this, d, k); },
  mean(this: Tensor, d?: R.Dims, k?: boolean) { return R.mean(this, d, k); },
  prod(this: Tensor, d?: R.Dims, k?: boolean) { return R.prod(this, d, k); },
  std(this: Tensor, d?: R.Dims, o?: R.VarOptions | boolean, k?: boolean) { return R.std(this, d, varOpts(o, k)); },
  var(this: Tensor, d?: R.Dims, o?: R.VarOptions | boolean, k?: boolean) { return R.variance(this, d, varOpts(o, k)); },
  max(this: Tensor, d?: number | Tensor, k?: boolean) { return d === undefined ? R.maxAll(this) : d instanceof Tensor ? E.maximum(this, d) : R.maxDim(this, d, k); },
  min(this: Tensor, d?: number | Tensor, k?: boolean) { return d === undefined ? R.minAll(this) : d instanceof Tensor ? E.minimum(this, d) : R.minDim(this, d, k); },
  argmax(this: Tensor, d?: number, k?: boolean) { return R.argmax(this, d, k); },
  argmin(this: Tensor, d?: number, k?: boolean) { return R.argmin(this, d, k); },
  sort(this: Tensor, d?: number, desc?: boolean) { return R.sort(this, d, desc); },
  argsort(this: Tensor, d?: number, desc?: boolean) { return R.argsort(this, d, desc); },
  topk(this: Tensor, k: number, d?: number, largest?: boolean) { return R.topk(this, k, d, largest); },
  cumsum(this: Tensor, d: number) { return R.cumsum(this, d); },
  logsumexp(this: Tensor, d: R.Dims, k?: boolean) { return R.logsumexp(this, d, k); },
  all(this: Tensor, d?: R.Dims, k?: boolean) { return R.all(this, d, k); },
  any(this: Tensor, d?: R.Dims, k?: boolean) { return R.any(this, d, k); },
  softmax(this: Tensor, d: number) { return softmax(this, d); },
  logSoftmax(this: Tensor, d: number) { return logSoftmax(this, d); },

  view(this: Tensor, ...s: ShapeLike) { return V.view(this, shapeArg(s)); },
  reshape(this: Tensor, ...s: ShapeLike) { return V.reshape(this, shapeArg(s)); },
  viewAs(this: Tensor, o: Tensor) { return V.view(this, o.shape); },
  reshapeAs(this: Tensor, o: Tensor) { return V.reshape(this, o.shape); },
  permute(this: Tensor, ...d: ShapeLike) { return V.permute(this, shapeArg(d)); },
  expand(this: Tensor, ...s: ShapeLike) { return V.expand(this, shapeArg(s)); },
  expandAs(this: Tensor, o: Tensor) { return V.expandAs(this, o); },
  transpose(this: Tensor, a: number, b: number) { return V.transpose(this, a, b); },
  t(this: Tensor) { return V.t2d(this); },
  unsqueeze(this: Tensor, d: number) { return V.unsqueeze(this, d); },
  squeeze(this: Tensor, d?: number | readonly number[]) { return V.squeeze(this, d); },
  flatten(this: Tensor, s?: number, e?: number) { return V.flatten(this, s, e); },
  narrow(this: Tensor, d: number, s: number, n: number) { return V.narrow(this, d, s, n); },
  select(this: Tensor, d: number, i: number) { return V.select(this, d, i); },
  chunk(this: Tensor, n: number, d?: number) { return V.chunk(this, n, d); },
  split(this: Tensor, s: number | readonly number[], d?: number) { return V.split(this, s, d); },
  unbind(this: Tensor, d?: number) { return V.unbind(this, d); },
  diagonal(this: Tensor, o?: number, a?: number, b?: number) { return V.diagonal(this, o, a, b); },

  at(this: Tensor, ...items: IndexItem[]) { return at(this, ...items); },
  setAt(this: Tensor, items: IndexItem | readonly IndexItem[], v: Tensor | number | boolean) { return setAt(this, items, v); },
  indexPut_(this: Tensor, items: readonly IndexItem[], v: Tensor | number | boolean, acc?: boolean) { return indexPut_(this, items, v, acc); },
  gather(this: Tensor, d: number, idx: Tensor) { return gather(this, d, idx); },
  indexSelect(this: Tensor, d: number, idx: Tensor) { return indexSelect(this, d, idx); },

  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  mm(this: Tensor, o: Tensor) { return mm(this, o); },
  dot(this: Tensor, o: Tensor) { return dot(this, o); },
  bmm(this: Tensor, o: Tensor) { return bmm(this, o); },
  conv2d(this: Tensor, w: Tensor, b?: Tensor | null, o?: Conv2dOptions) { return conv2d(this, w, b ?? null, o); },
  equal(this: Tensor, o: Tensor) { return this.shape.length === o.shape.length && this.shape.every((n, i) => n === o.shape[i]) && R.all(E.eq(this, o)).item() === 1; },
  allclose(this: Tensor, o: Tensor, rtol = 1e-5, atol = 1e-8) {
    return R.all(E.le(E.abs(E.sub(this, o)), E.add(E.mul(E.abs(o), rtol), atol))).item() === 1;
  },
  toString(this: Tensor) {
    return formatTensor(this, this.gradFn ? [`grad_fn=<${this.gradFn.name}>`] : this.requiresGrad ? ['requires_grad=True'] : []);
  },
});

Object.defineProperty(P, 'T', { get(this: Tensor) { return V.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }, configurable: true });
Object.defineProperty(P, Symbol.for('nodejs.util.inspect.custom'), { value(this: Tensor) { return this.toString(); }, configurable: true });
