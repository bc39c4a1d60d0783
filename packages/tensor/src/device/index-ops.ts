// Index ops of CUDA tensors (float32 values, int32 indices, checked on the device before use):
// gather/scatterAdd along a dim with the index shaped like the input but on that dim, and
// indexSelect/indexAdd of whole slices (embedding rows), each the other's gradient.
import { DTypeError, IndexError, requireCuda, type IndexKindName } from '@groundup/kernels';
import { attachPure } from '../autograd/node.ts';
import { fmt } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { cudaEmpty, fillCuda, requireSameDevice } from './cuda.ts';

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

function run(op: string, kind: IndexKindName, src: Tensor, index: Tensor, out: Tensor, outer: number, n: number, m: number, inner: number): void {
  if (src.dtype !== 'float32' || out.dtype !== 'float32') throw new DTypeError(`${op}: the CUDA index kernels move float32 values; this cuda tensor is ${src.dtype}. Use .float(), or .cpu()`);
  requireCuda(op).index(kind, src.storage.block!, src.offset, index.storage.block!, index.offset, out.storage.block!, out.offset, outer, n, m, inner);
}

function sameButDim(op: string, t: Tensor, index: Tensor, d: number): void {
  if (index.ndim !== t.ndim || index.shape.some((s, a) => a !== d && s !== t.shape[a]))
    throw new IndexError(`${op}: on cuda the index must have the input's shape ${fmt(t.shape)} except on dim ${d}, got ${fmt(index.shape)}; slice the input first, or run on the CPU`);
}

/** torch.gather on the device. */
export function cudaGather(t: Tensor, d: number, index: Tensor): Tensor {
  requireSameDevice('gather', t, index);
  sameButDim('gather', t, index, d);
  const x = t.contiguous(), ix = index.contiguous();
  const out = cudaEmpty(t.dtype, index.shape);
  run('gather', 'gather', x, ix, out, prod(t.shape.slice(0, d)), t.shape[d]!, index.shape[d]!, prod(t.shape.slice(d + 1)));
  return attachPure(out, 'GatherBackward0', [t], (g) => [cudaScatterAdd(fillCuda(cudaEmpty(t.dtype, t.shape), 0), d, index, g)]);
}

/** torch.scatter_add (out of place) on the device. */
export function cudaScatterAdd(t: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  requireSameDevice('scatterAdd', t, index, src);
  sameButDim('scatterAdd', t, index, d);
  const out = t.detach().clone(), s = src.expand(index.shape).contiguous(), ix = index.contiguous();
  run('scatterAdd', 'scatterAdd', s, ix, out, prod(t.shape.slice(0, d)), t.shape[d]!, index.shape[d]!, prod(t.shape.slice(d + 1)));
  return attachPure(out, 'ScatterAddBackward0', [t, src], (g) => [g, cudaGather(g, d, index)]);
}

/** torch.index_select with a 1-D index on the device; the gradient adds each slice back (index_add). */
export function cudaIndexSelect(t: Tensor, d: number, index: Tensor, skip = -1): Tensor {
  requireSameDevice('indexSelect', t, index);
  if (index.ndim !== 1) throw new IndexError(`indexSelect: the index must be 1-D, got ${fmt(index.shape)}`);
  const x = t.contiguous(), ix = index.contiguous();
  const m = index.shape[0]!, outer = prod(t.shape.slice(0, d)), n = t.shape[d]!, inner = prod(t.shape.slice(d + 1));
  const out = cudaEmpty(t.dtype, [...t.shape.slice(0, d), m, ...t.shape.slice(d + 1)]);
  run('indexSelect', 'indexSelect', x, ix, out, outer, n, m, inner);
  return attachPure(out, 'IndexSelectBackward0', [t], (g) => {
    const gw = fillCuda(cudaEmpty(t.dtype, t.shape), 0);
    run('indexSelect backward', 'indexAdd', g.contiguous(), ix, gw, outer, n, m, inner);
    if (skip >= 0) gw.select(d, skip).fill_(0);  // embedding's paddingIdx gets no gradient
    return [gw];
  });
}

/** An int32 tensor of flat storage offsets on the device (computed on the host by indexing.ts). */
function offsetsOnDevice(offsets: Int32Array): Tensor {
  const t = cudaEmpty('int32', [offsets.length]);
  if (offsets.length) requireCuda('index').upload(t.storage.block!, 0, offsets);
  return t;
}

/** Advanced indexing's read on the device: out[i] = storage[offsets[i]], in `shape` (no history; indexing.ts attaches it). */
export function cudaTake(t: Tensor, offsets: Int32Array, shape: readonly number[]): Tensor {
  const out = cudaEmpty(t.dtype, shape);
  const whole = storageView(t);
  run('index', 'indexSelect', whole, offsetsOnDevice(offsets), out, 1, whole.numel(), offsets.length, 1);
  return out;
}

/** Advanced indexing's write on the device: storage[offsets[i]] = values[i] (+= with accumulate; repeats add up). */
export function cudaPut(t: Tensor, offsets: Int32Array, values: Tensor, accumulate: boolean): void {
  const whole = storageView(t), v = values.contiguous();
  run('setAt', accumulate ? 'indexAdd' : 'indexCopy', v, offsetsOnDevice(offsets), whole, 1, whole.numel(), offsets.length, 1);
}

/** The whole storage behind t as a flat tensor (the offsets index it). */
const storageView = (t: Tensor): Tensor => t.detach().asStrided([t.storage.length], [1], 0);
