// The naive reference kernels: the oracle every backend's GEMM and conv are checked against.
import type { Conv2dGeometry } from '@groundup/kernels';

/** C = op(A)·op(B), all dense row-major, computed in float64. */
export function referenceGemm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number, transA: boolean, transB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += (transA ? a[q * m + i]! : a[i * k + q]!) * (transB ? b[j * k + q]! : b[q * n + j]!);
      c[i * n + j] = s;
    }
  return c;
}

/** Direct convolution by its definition, in float64. */
export function referenceConv2d(g: Conv2dGeometry, x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const out = new Float64Array(g.n * g.o * g.outH * g.outW);
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < g.o; o++)
      for (let oy = 0; oy < g.outH; oy++)
        for (let ox = 0; ox < g.outW; ox++) {
          let s = bias ? bias[o]! : 0;
          for (let c = 0; c < g.c; c++)
            for (let ky = 0; ky < g.kh; ky++)
              for (let kx = 0; kx < g.kw; kx++) {
                const iy = oy * g.strideH - g.padH + ky, ix = ox * g.strideW - g.padW + kx;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                s += x[((n * g.c + c) * g.h + iy) * g.w + ix]! * w[((o * g.c + c) * g.kh + ky) * g.kw + kx]!;
              }
          out[((n * g.o + o) * g.outH + oy) * g.outW + ox] = s;
        }
  return out;
}

/** max |a − b| / (atol + rtol·|b|) ≤ 1 elementwise; returns the worst ratio and its index. */
export function worstError(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { ratio: number; index: number } {
  let ratio = 0, index = -1;
  for (let i = 0; i < b.length; i++) {
    const r = Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!));
    if (!(r <= ratio)) { ratio = r; index = i; }
  }
  return { ratio, index };
}
