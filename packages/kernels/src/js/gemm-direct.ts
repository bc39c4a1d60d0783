// The direct GEMM for small and thin problems, where packing would cost more than it saves (see
// preferDirect in gemm.ts). Dot products in float64, four at a time along j (or along i when C
// has fewer than four columns), so that each load feeds four independent sums.
//
// Two copies, identical but for the array type: V8 keeps type feedback per function, and one
// copy shared by float32 and float64 calls measured 25-30 % slower (polymorphic loads in the
// inner loop). Edit both together.
import type { GemmOperands } from './gemm-blocked.ts';

/** C = alpha·op(A)·op(B) + beta·C for one float32 matrix; needs m, n, k ≥ 1. */
export function gemmDirectF32(m: number, n: number, k: number, alpha: number, beta: 0 | 1, o: GemmOperands<Float32Array>): void {
  const { a, b, c, sai, sak, sbk, sbj, ldc } = o;
  let i = 0;
  if (n < 4) {
    for (; i + 4 <= m; i += 4) {
      for (let j = 0; j < n; j++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let ai = o.ao + i * sai, bi = o.bo + j * sbj;
        for (let p = 0; p < k; p++, ai += sak, bi += sbk) {
          const y = b[bi]!;
          s0 += a[ai]! * y; s1 += a[ai + sai]! * y; s2 += a[ai + 2 * sai]! * y; s3 += a[ai + 3 * sai]! * y;
        }
        const ci = o.co + i * ldc + j;
        if (beta === 0) { c[ci] = alpha * s0; c[ci + ldc] = alpha * s1; c[ci + 2 * ldc] = alpha * s2; c[ci + 3 * ldc] = alpha * s3; }
        else { c[ci]! += alpha * s0; c[ci + ldc]! += alpha * s1; c[ci + 2 * ldc]! += alpha * s2; c[ci + 3 * ldc]! += alpha * s3; }
      }
    }
  }
  for (; i < m; i++) {
    const a0 = o.ao + i * sai, ci = o.co + i * ldc;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let ai = a0, bi = o.bo + j * sbj;
      for (let p = 0; p < k; p++, ai += sak, bi += sbk) {
        const x = a[ai]!;
        s0 += x * b[bi]!; s1 += x * b[bi + sbj]!; s2 += x * b[bi + 2 * sbj]!; s3 += x * b[bi + 3 * sbj]!;
      }
      if (beta === 0) { c[ci + j] = alpha * s0; c[ci + j + 1] = alpha * s1; c[ci + j + 2] = alpha * s2; c[ci + j + 3] = alpha * s3; }
      else { c[ci + j]! += alpha * s0; c[ci + j + 1]! += alpha * s1; c[ci + j + 2]! += alpha * s2; c[ci + j + 3]! += alpha * s3; }
    }
    for (; j < n; j++) {
      let s = 0, ai = a0, bi = o.bo + j * sbj;
      for (let p = 0; p < k; p++, ai += sak, bi += sbk) s += a[ai]! * b[bi]!;
      if (beta === 0) c[ci + j] = alpha * s;
      else c[ci + j]! += alpha * s;
    }
  }
}

/** C = alpha·op(A)·op(B) + beta·C for one float64 matrix; needs m, n, k ≥ 1. */
export function gemmDirectF64(m: number, n: number, k: number, alpha: number, beta: 0 | 1, o: GemmOperands<Float64Array>): void {
  const { a, b, c, sai, sak, sbk, sbj, ldc } = o;
  let i = 0;
  if (n < 4) {
    for (; i + 4 <= m; i += 4) {
      for (let j = 0; j < n; j++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let ai = o.ao + i * sai, bi = o.bo + j * sbj;
        for (let p = 0; p < k; p++, ai += sak, bi += sbk) {
          const y = b[bi]!;
          s0 += a[ai]! * y; s1 += a[ai + sai]! * y; s2 += a[ai + 2 * sai]! * y; s3 += a[ai + 3 * sai]! * y;
        }
        const ci = o.co + i * ldc + j;
        if (beta === 0) { c[ci] = alpha * s0; c[ci + ldc] = alpha * s1; c[ci + 2 * ldc] = alpha * s2; c[ci + 3 * ldc] = alpha * s3; }
        else { c[ci]! += alpha * s0; c[ci + ldc]! += alpha * s1; c[ci + 2 * ldc]! += alpha * s2; c[ci + 3 * ldc]! += alpha * s3; }
      }
    }
  }
  for (; i < m; i++) {
    const a0 = o.ao + i * sai, ci = o.co + i * ldc;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let ai = a0, bi = o.bo + j * sbj;
      for (let p = 0; p < k; p++, ai += sak, bi += sbk) {
        const x = a[ai]!;
        s0 += x * b[bi]!; s1 += x * b[bi + sbj]!; s2 += x * b[bi + 2 * sbj]!; s3 += x * b[bi + 3 * sbj]!;
      }
      if (beta === 0) { c[ci + j] = alpha * s0; c[ci + j + 1] = alpha * s1; c[ci + j + 2] = alpha * s2; c[ci + j + 3] = alpha * s3; }
      else { c[ci + j]! += alpha * s0; c[ci + j + 1]! += alpha * s1; c[ci + j + 2]! += alpha * s2; c[ci + j + 3]! += alpha * s3; }
    }
    for (; j < n; j++) {
      let s = 0, ai = a0, bi = o.bo + j * sbj;
      for (let p = 0; p < k; p++, ai += sak, bi += sbk) s += a[ai]! * b[bi]!;
      if (beta === 0) c[ci + j] = alpha * s;
      else c[ci + j]! += alpha * s;
    }
  }
}
