// The pure-TypeScript GEMM entry: checks the operands, handles the degenerate cases, walks the
// batch, and sends each matrix to the direct path (small) or the cache-blocked one.
import type { FloatArray, GemmArgs } from '../backend.ts';
import { BackendError } from '../errors.ts';
import { gemmBlocked, KC, NC, type GemmOperands } from './gemm-blocked.ts';
import { MR, NR } from './gemm-micro.ts';
import { gemmDirectF32, gemmDirectF64 } from './gemm-direct.ts';

type DirectKernel<T extends FloatArray> = (m: number, n: number, k: number, alpha: number, beta: 0 | 1, o: GemmOperands<T>) => void;

/** float32 GEMM (the `gemm` kernel). */
export function gemmF32Js(p: GemmArgs<Float32Array>): void {
  gemmWith(p, gemmDirectF32);
}

/** float64 GEMM (the `gemmF64` kernel). */
export function gemmF64Js(p: GemmArgs<Float64Array>): void {
  gemmWith(p, gemmDirectF64);
}

function gemmWith<T extends FloatArray>(p: GemmArgs<T>, gemmDirect: DirectKernel<T>): void {
  const { m, n, k, alpha, beta, batch, transA, transB } = p;
  checkGemm(p);
  if (batch === 0 || m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    // C = beta·C: nothing to do for beta 1, zeros for beta 0 (without reading C, which may hold NaN).
    if (beta === 0) for (let bt = 0; bt < batch; bt++) zeroMatrix(p.c, p.cOffset + bt * p.strideC, m, n, p.ldc);
    return;
  }
  const o: GemmOperands<T> = {
    a: p.a, ao: 0, sai: transA ? 1 : p.lda, sak: transA ? p.lda : 1,
    b: p.b, bo: 0, sbk: transB ? 1 : p.ldb, sbj: transB ? p.ldb : 1,
    c: p.c, co: 0, ldc: p.ldc,
  };
  const direct = preferDirect(m, n, k);
  for (let bt = 0; bt < batch; bt++) {
    o.ao = p.aOffset + bt * p.strideA;
    o.bo = p.bOffset + bt * p.strideB;
    o.co = p.cOffset + bt * p.strideC;
    if (direct) gemmDirect(m, n, k, alpha, beta, o);
    else gemmBlocked(m, n, k, alpha, beta, o);
  }
}

/**
 * Picks the cheaper path by a cost model fitted on this machine (Zen3, Node 20), in ns: the
 * micro-kernel does 2.95 multiply-adds per ns on padded tiles, packing costs about 1 ns an
 * element, each tile about 15 ns more; the direct loops do 1.1 multiply-adds per ns. The direct
 * path wins below about 11³, and for thin shapes (m < 4, n < 3, k < 4, or m = 5 against a narrow
 * B, as in 5×784 @ 784×10) where padding and packing outweigh the faster kernel.
 */
function preferDirect(m: number, n: number, k: number): boolean {
  const mp = Math.ceil(m / MR) * MR, np = Math.ceil(n / NR) * NR, kBlocks = Math.ceil(k / KC);
  const blocked = (mp * np * k) / 2.95 + (np + mp * Math.ceil(n / NC)) * k + (mp / MR) * (np / NR) * kBlocks * 15;
  return (m * n * k) / 1.1 <= blocked;
}

function zeroMatrix(c: FloatArray, co: number, m: number, n: number, ldc: number): void {
  if (ldc === n) c.fill(0, co, co + m * n);
  else for (let i = 0; i < m; i++) c.fill(0, co + i * ldc, co + i * ldc + n);
}

/** Throws when an operand does not fit its array: an out-of-range read would give NaN silently. */
function checkGemm<T extends FloatArray>(p: GemmArgs<T>): void {
  const { m, n, k, batch } = p;
  checkCount('m', m); checkCount('n', n); checkCount('k', k); checkCount('batch', batch);
  if (p.beta !== 0 && p.beta !== 1) throw new BackendError(`gemm: beta must be 0 or 1, got ${String(p.beta)}`);
  checkOperand('A', p.a, p.aOffset, p.lda, p.strideA, p.transA ? k : m, p.transA ? m : k, batch);
  checkOperand('B', p.b, p.bOffset, p.ldb, p.strideB, p.transB ? n : k, p.transB ? k : n, batch);
  checkOperand('C', p.c, p.cOffset, p.ldc, p.strideC, m, n, batch);
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new BackendError(`gemm: ${name} must be an integer ≥ 0, got ${v}`);
}

function checkOperand(name: string, x: FloatArray, offset: number, ld: number, stride: number, rows: number, cols: number, batch: number): void {
  if (batch === 0 || rows === 0 || cols === 0) return;
  if (offset < 0 || stride < 0 || (rows > 1 && ld < cols))
    throw new BackendError(`gemm: operand ${name} (${rows}×${cols}) has offset ${offset}, leading dim ${ld}, batch stride ${stride}; need offset, stride ≥ 0 and leading dim ≥ ${cols}`);
  const last = offset + (batch - 1) * stride + (rows - 1) * ld + cols - 1;
  if (last >= x.length)
    throw new BackendError(`gemm: operand ${name} (${batch}×${rows}×${cols}, offset ${offset}, leading dim ${ld}, batch stride ${stride}) reaches element ${last} but its array has ${x.length}`);
}
