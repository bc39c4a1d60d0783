// Pure-TypeScript GEMM. (A simple correct version; the cache-blocked one replaces it.)
import type { FloatArray, GemmArgs } from '../backend.ts';

export function gemmJs<T extends FloatArray>(p: GemmArgs<T>): void {
  const { m, n, k, alpha, beta, a, b, c, lda, ldb, ldc } = p;
  const sai = p.transA ? 1 : lda, sak = p.transA ? lda : 1;
  const sbk = p.transB ? 1 : ldb, sbj = p.transB ? ldb : 1;
  for (let bt = 0; bt < p.batch; bt++) {
    const ao = p.aOffset + bt * p.strideA, bo = p.bOffset + bt * p.strideB, co = p.cOffset + bt * p.strideC;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[ao + i * sai + q * sak]! * b[bo + q * sbk + j * sbj]!;
        const ci = co + i * ldc + j;
        c[ci] = beta === 0 ? alpha * s : c[ci]! + alpha * s;
      }
    }
  }
}
