// GEMM and conv2d of CUDA tensors: the addon's tiled SGEMM and implicit-GEMM conv kernels on
// device blocks, their scalars in the parameter blocks the kernel manifest lays out.
import { DTypeError, paramLayouts, requireCuda, type Conv2dGeometry, type GemmArgs } from '@groundup/kernels';
import type { Tensor } from '../tensor.ts';

type GemmFields = Omit<GemmArgs<Float32Array>, 'a' | 'b' | 'c'>;

/** c ← alpha·op(a)·op(b) (+ c when beta) on the device; offsets and strides in elements of each tensor's storage. */
export function cudaGemm(op: string, a: Tensor, b: Tensor, c: Tensor, f: GemmFields): void {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || c.dtype !== 'float32')
    throw new DTypeError(`${op}: the CUDA GEMM is float32; these cuda tensors are ${a.dtype} and ${b.dtype}. Use .float(), or .cpu() for float64`);
  const p = Float64Array.from(paramLayouts.gemm, (k) => Number(f[k]));
  requireCuda(op).gemm(a.storage.block!, b.storage.block!, c.storage.block!, p);
}

/** The conv parameter block of a geometry. */
export const convParams = (g: Conv2dGeometry): Float64Array => Float64Array.from(paramLayouts.conv, (k) => g[k]);

/** conv2d forward/backward on contiguous float32 CUDA tensors (offsets applied). */
export function cudaConv(op: string, kind: 'forward' | 'backwardData' | 'backwardWeight', g: Conv2dGeometry, a: Tensor, b: Tensor, bias: Tensor | null, out: Tensor): void {
  for (const t of [a, b, out, ...(bias ? [bias] : [])])
    if (t.dtype !== 'float32') throw new DTypeError(`${op}: the CUDA conv kernels are float32; got a ${t.dtype} cuda tensor. Use .float(), or .cpu() for float64`);
  requireCuda(op).conv(kind, convParams(g), a.storage.block!, a.offset, b.storage.block!, b.offset, bias?.storage.block ?? null, bias?.offset ?? 0,
    out.storage.block!, out.offset);
}
