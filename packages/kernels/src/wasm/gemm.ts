// Host side of the Wasm GEMM: copies the operands' extents into the arena, writes the parameter
// block of wasm/assembly/gemm.ts, splits the work into chunks for the pool, copies C back.
// The copies are part of every call's cost; the benchmark times them too.
import type { GemmArgs } from '../backend.ts';
import { f32Bits, type Arena } from './arena.ts';
import type { WasmExports } from './api.ts';
import type { Pool } from './pool.ts';

/** Below this many flops a call stays on one thread: waking a worker costs more than it saves. */
export const MT_MIN_FLOPS = 1 << 22;
const MR = 4, NR = 8;

/** Floats an operand spans: rows × cols with leading dimension ld, batch entries stride apart. */
function extent(rows: number, cols: number, ld: number, batch: number, stride: number): number {
  return (batch - 1) * stride + (rows - 1) * ld + cols;
}

export interface GemmPlan { split: 1 | 2; sub: number; bper: number; chunks: number }

/**
 * How a call splits into chunks: whole batch groups when the batch alone feeds the threads,
 * otherwise slices of rows (split 1) or columns (split 2) of each C, a few per thread so that a
 * thread slowed by another process does not hold the others up.
 */
export function planGemm(m: number, n: number, k: number, batch: number, threads: number, sharedC = false): GemmPlan {
  if (threads <= 1 || 2 * m * n * k * batch < MT_MIN_FLOPS) return { split: 1, sub: m, bper: batch, chunks: 1 };
  if (batch >= threads && !sharedC) {
    const bper = Math.ceil(batch / (4 * threads));
    return { split: 1, sub: m, bper, chunks: Math.ceil(batch / bper) };
  }
  const split = n >= m ? 2 : 1;
  const dim = split === 2 ? n : m, unit = split === 2 ? NR : MR;
  const sub = Math.max(unit, Math.ceil(dim / (2 * threads) / unit) * unit);
  // with one C for all batch entries (strideC 0), each chunk walks the whole batch in order
  const bper = sharedC ? batch : 1;
  return { split, sub, bper, chunks: Math.ceil(batch / bper) * Math.ceil(dim / sub) };
}

/** Runs one float32 GEMM; returns false when the operands do not fit the 4 GiB memory. */
export function gemmWasm(arena: Arena, x: WasmExports, pool: Pool, p: GemmArgs<Float32Array>): boolean {
  const { m, n, k, batch, transA, transB, lda, ldb, ldc } = p;
  if (batch <= 0 || m <= 0 || n <= 0) return true;
  if (k <= 0) {
    // C = alpha·(empty sum) + beta·C
    if (p.beta === 0) for (let b = 0; b < batch; b++) for (let i = 0; i < m; i++) {
      const o = p.cOffset + b * p.strideC + i * ldc;
      p.c.fill(0, o, o + n);
    }
    return true;
  }
  const aExt = transA ? extent(k, m, lda, batch, p.strideA) : extent(m, k, lda, batch, p.strideA);
  const bExt = transB ? extent(n, k, ldb, batch, p.strideB) : extent(k, n, ldb, batch, p.strideB);
  const cStride = p.strideC === 0 ? 0 : m * n; // C is dense in the arena
  const cExt = (batch - 1) * cStride + m * n;
  const plan = planGemm(m, n, k, batch, pool.threads, cStride === 0 && batch > 1);
  const threads = plan.chunks > 1 ? pool.threads : 1;
  const scratch = x.GEMM_SCRATCH.value;
  const at = arena.layout([aExt * 4, bExt * 4, cExt * 4, scratch * threads]);
  if (!at) return false;
  const [aPtr, bPtr, cPtr, sPtr] = at as [number, number, number, number];
  arena.copyIn(aPtr, p.a, p.aOffset, aExt);
  arena.copyIn(bPtr, p.b, p.bOffset, bExt);
  const rowsByRow = ldc !== n;
  if (p.beta === 1) {
    for (let b = 0; b < batch; b++) {
      const src = p.cOffset + b * p.strideC, dst = cPtr + b * cStride * 4;
      if (!rowsByRow) arena.copyIn(dst, p.c, src, m * n);
      else for (let i = 0; i < m; i++) arena.copyIn(dst + i * n * 4, p.c, src + i * ldc, n);
    }
  }
  const params = arena.params([
    m, n, k, batch,
    aPtr, transA ? 1 : lda, transA ? lda : 1, p.strideA,
    bPtr, transB ? 1 : ldb, transB ? ldb : 1, p.strideB,
    cPtr, n, cStride,
    f32Bits(p.alpha), p.beta, plan.split, plan.sub, plan.bper, sPtr, scratch,
  ]);
  pool.run('gemmChunk', params, plan.chunks, threads > 1);
  for (let b = 0; b < batch; b++) {
    const src = cPtr + b * cStride * 4, dst = p.cOffset + b * p.strideC;
    if (!rowsByRow) arena.copyOut(src, m * n, p.c, dst);
    else for (let i = 0; i < m; i++) arena.copyOut(src + i * n * 4, n, p.c, dst + i * ldc);
  }
  return true;
}
