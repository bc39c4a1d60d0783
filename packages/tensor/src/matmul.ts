// matmul for 1-D, 2-D and batched operands with broadcast batch dims, dispatched to the kernel
// registry's GEMM. Transposed and strided operands go to the kernel as they are, without a copy.
import { DTypeError, kernel, ShapeError, type GemmArgs } from '@groundup/kernels';
import { allocate, allocateUninit, isFloating, type TypedArray } from './dtype.ts';
import { broadcastShapes, fmt } from './shape.ts';
import { Storage } from './storage.ts';
import { attachPure } from './autograd/node.ts';
import { Tensor } from './tensor.ts';
import { expand, reshape, squeeze, unsqueeze } from './views.ts';
import { cudaEmpty, resultDevice } from './device/cuda.ts';
import { cudaGemm } from './device/gemm.ts';

interface Layout { trans: boolean; ld: number }

/** How a rows×cols matrix with strides (rs, cs) reads as row-major or transposed, if it does. */
function layout(rows: number, cols: number, rs: number, cs: number): Layout | null {
  if ((cs === 1 || cols === 1) && (rows === 1 || rs >= cols)) return { trans: false, ld: rows === 1 ? cols : rs };
  if ((rs === 1 || rows === 1) && (cols === 1 || cs >= rows)) return { trans: true, ld: cols === 1 ? rows : cs };
  return null;
}

/** One stride s for all batch dims, such that flat batch β sits at β·s (contiguous or broadcast). */
function batchStride(shape: readonly number[], strides: readonly number[], nb: number): number | null {
  let s: number | null = null, weight = 1;
  for (let i = nb - 1; i >= 0; i--) {
    if (shape[i] !== 1) {
      if (s === null) s = strides[i]!;
      else if (strides[i] !== s * weight) return null;
    }
    weight *= shape[i]!;
  }
  return s ?? 0;
}

function operand(t: Tensor, nb: number): { t: Tensor; lay: Layout; bs: number } {
  const r = t.shape[nb]!, c = t.shape[nb + 1]!;
  let lay = layout(r, c, t.strides[nb]!, t.strides[nb + 1]!);
  let bs = batchStride(t.shape, t.strides, nb);
  if (!lay || bs === null) {
    t = t.contiguous();
    lay = { trans: false, ld: c };
    bs = r * c;
  }
  return { t, lay, bs };
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: both arguments need at least 1 dim, got ${fmt(a.shape)} and ${fmt(b.shape)}; use mul for scalars`);
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: expected both operands to have the same dtype, got ${a.dtype} and ${b.dtype}; convert one with .float() or .double()`);
  const cuda = resultDevice('matmul', [a, b]) === 'cuda';
  if (!isFloating(a.dtype)) return cuda ? matmul(a.float(), b.float()).to(a.dtype) : matmul(a.double(), b.double()).to(a.dtype);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), b.ndim === 1 ? [-1] : [-2]);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, -1)), -1);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2)
    throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied (${m}×${k} and ${k2}×${n}): ` +
      `the last dim of the first (${k}) must equal the second-to-last of the second (${k2})` + (a.shape.at(-1) === b.shape.at(-1) ? '; did you mean to transpose the second operand (.t())?' : ''));
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = batch.length;
  const A = operand(expand(a, [...batch, m, k]), nb), B = operand(expand(b, [...batch, k, n]), nb);
  const count = batch.reduce((x, y) => x * y, 1);
  if (cuda) return withGrad(a, b, cudaMatmul(A, B, batch, m, n, k, count));
  // GEMM with beta 0 overwrites C (k = 0 leaves it: zeros then).
  const out = k > 0 ? allocateUninit(a.dtype, count * m * n) : allocate(a.dtype, count * m * n);
  const args: GemmArgs<Float32Array | Float64Array> = {
    transA: A.lay.trans, transB: B.lay.trans, m, n, k, alpha: 1, beta: 0,
    a: A.t.data as Float32Array, aOffset: A.t.offset, lda: A.lay.ld, strideA: A.bs,
    b: B.t.data as Float32Array, bOffset: B.t.offset, ldb: B.lay.ld, strideB: B.bs,
    c: out as Float32Array, cOffset: 0, ldc: n, strideC: m * n, batch: count,
  };
  if (count > 0 && m > 0 && n > 0) {
    if (a.dtype === 'float32') kernel('gemm')(args as GemmArgs<Float32Array>);
    else kernel('gemmF64')(args as unknown as GemmArgs<Float64Array>);
  }
  return withGrad(a, b, new Tensor(new Storage(out as TypedArray), [...batch, m, n], undefined, 0, a.dtype));
}

/** The GEMM on the device, into a fresh contiguous CUDA tensor (the kernel writes zeros when k = 0). */
function cudaMatmul(A: { t: Tensor; lay: Layout; bs: number }, B: { t: Tensor; lay: Layout; bs: number }, batch: number[], m: number, n: number, k: number, count: number): Tensor {
  const r = cudaEmpty(A.t.dtype, [...batch, m, n]);
  if (count > 0 && m > 0 && n > 0)
    cudaGemm('matmul', A.t, B.t, r, {
      transA: A.lay.trans, transB: B.lay.trans, m, n, k, alpha: 1, beta: 0, aOffset: A.t.offset, lda: A.lay.ld, strideA: A.bs,
      bOffset: B.t.offset, ldb: B.lay.ld, strideB: B.bs, cOffset: 0, ldc: n, strideC: m * n, batch: count,
    });
  return r;
}

function withGrad(a: Tensor, b: Tensor, r: Tensor): Tensor {
  // dA = dC·Bᵀ, dB = Aᵀ·dC; the engine sums over broadcast batch dims. A 2-D operand stored
  // transposed (a Linear weight as w.t()) gets its gradient in the same layout, computed as
  // (B·dCᵀ)ᵀ or (dCᵀ·A)ᵀ, so the leaf's .grad comes out contiguous like the leaf.
  return attachPure(r, 'MmBackward0', [a, b], (g) => [
    a.requiresGrad ? (transposed(a, b) ? matmul(b, g.t()).t() : matmul(g, b.transpose(-1, -2))) : null,
    b.requiresGrad ? (transposed(b, a) ? matmul(g.t(), a).t() : matmul(a.transpose(-1, -2), g)) : null,
  ], [...(a.requiresGrad ? [b] : []), ...(b.requiresGrad ? [a] : [])]);
}

/** Is t a 2-D matrix stored column-major (a transposed view), multiplied by another 2-D matrix? */
function transposed(t: Tensor, other: Tensor): boolean {
  if (t.ndim !== 2 || other.ndim !== 2 || t.shape[0] === 1 || t.shape[1] === 1) return false;
  return t.strides[0] === 1 && t.strides[1]! >= t.shape[0]!;
}

/** PyTorch's mm: 2-D only. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError(`mm: expects 2-D tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}; use matmul for other ranks`);
  return matmul(a, b);
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) throw new ShapeError(`dot: expects two 1-D tensors of the same size, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(a, b);
}

/** Batched matmul over flattened leading dims: [B, m, k] @ [B, k, n]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: expects [B,m,k] and [B,k,n] with the same B, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(a, b);
}

