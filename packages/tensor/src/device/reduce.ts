// Reductions of CUDA tensors: the reduced dims become one middle run of a contiguous tensor
// (outer × n × inner, permuting only when they are not adjacent), then one reduce kernel; the
// kernel reads float32 and accumulates in double, as the CPU loops do.
import { DTypeError, requireCuda, type ReduceOpName } from '@groundup/kernels';
import type { DType } from '../dtype.ts';
import { normalizeDims } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { permute } from '../views.ts';
import { copyOnDevice, cudaEmpty } from './cuda.ts';

/** op over `dims` (all when undefined) of a CUDA tensor; sum and mean give the input's float dtype, arg* int32. */
export function cudaReduce(op: ReduceOpName | 'mean', t: Tensor, dims: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  if (t.dtype === 'float64') throw new DTypeError(`${op}: the CUDA reductions read float32; this cuda tensor is float64. Use .float(), or reduce on the CPU with .cpu()`);
  const ds = normalizeDims(op, dims, t.ndim);
  const kept = t.shape.map((_, i) => i).filter((i) => !ds.includes(i));
  const sorted = [...ds].sort((a, b) => a - b);
  const adjacent = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  let src = t.dtype === 'float32' ? t : copyOnDevice(t, 'float32');
  let outer: number, n: number, inner: number;
  if (adjacent && sorted.length) {
    if (!src.isContiguous()) src = copyOnDevice(src);
    const d0 = sorted[0]!, d1 = sorted[sorted.length - 1]!;
    outer = t.shape.slice(0, d0).reduce((a, b) => a * b, 1);
    n = t.shape.slice(d0, d1 + 1).reduce((a, b) => a * b, 1);
    inner = t.shape.slice(d1 + 1).reduce((a, b) => a * b, 1);
  } else {
    src = copyOnDevice(permute(src.detach(), [...kept, ...sorted]));
    outer = kept.reduce((a, d) => a * t.shape[d]!, 1);
    n = sorted.reduce((a, d) => a * t.shape[d]!, 1);
    inner = 1;
  }
  const outShape = keepdim ? t.shape.map((s, i) => (ds.includes(i) ? 1 : s)) : kept.map((i) => t.shape[i]!);
  const arg = op === 'argmax' || op === 'argmin';
  const outDtype: DType = arg ? 'int32' : 'float32';
  const out = cudaEmpty(outDtype, outShape);
  requireCuda(op).reduce(op === 'mean' ? 'sum' : op, src.storage.block!, src.offset, out.storage.block!, outer, n, inner);
  if (op === 'mean') out.div_(n);
  return out;
}
