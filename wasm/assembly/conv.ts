// conv2d backward as grouped im2col + GEMM (the forward is indirect.ts). A chunk is a group of
// images: their columns sit side by side in one cols matrix [K, g·L], so that small feature maps
// (L = 4 at 2×2) still give the GEMM wide panels. Per-thread scratch: GEMM packing space,
// cols [K, g·L], and a [O, g·L] buffer.
import { gemmBlocked, GEMM_SCRATCH } from './gemm';
import { Geometry } from './geometry';
import { col2imFrom, im2colInto } from './im2col';
import { copyFloats, zeroFloats } from './simd';

/** Start of this thread's scratch: GEMM packing space, then cols [K, group·L], then buf [O, group·L]. */
@inline function scratchOf(g: Geometry, tid: i32): usize {
  return <usize>g.scratch + <usize>tid * <usize>g.scratchStride;
}
@inline function colsOf(base: usize): usize { return base + <usize>GEMM_SCRATCH; }
@inline function bufOf(base: usize, K: i32, g: Geometry, L: i32): usize { return base + <usize>GEMM_SCRATCH + (<usize>(K * g.group * L) << 2); }

/** Bytes of per-thread scratch a conv job with this group size needs. */
export function convScratchBytes(c: i32, kh: i32, kw: i32, o: i32, outH: i32, outW: i32, group: i32): i32 {
  const gl = group * outH * outW;
  return GEMM_SCRATCH + (c * kh * kw + o) * gl * 4;
}

/** Copies gy[i0..i1][O][L] into buf[O, gl] (images side by side). */
function gatherGrad(g: Geometry, i0: i32, i1: i32, L: i32, gl: i32, buf: usize): void {
  const O = g.o;
  for (let i = i0; i < i1; i++)
    for (let o = 0; o < O; o++)
      copyFloats(buf + (<usize>(o * gl + (i - i0) * L) << 2), <usize>g.y + (<usize>((i * O + o) * L) << 2), L);
}

/** gx[img] = col2im(Wᵀ · gy[img]) for the images of one chunk; gy at g.y, gx at g.x. */
export function convBackwardDataChunk(params: usize, chunk: i32, tid: i32): void {
  const g = changetype<Geometry>(params);
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, O = g.o;
  const i0 = chunk * g.group, i1 = min(g.n, i0 + g.group), gl = (i1 - i0) * L;
  const base = scratchOf(g, tid), cols = colsOf(base), buf = bufOf(base, K, g, L);
  gatherGrad(g, i0, i1, L, gl, buf);
  // cols[K, gl] = Wᵀ[K, O] · buf[O, gl]
  gemmBlocked(K, gl, O, g.wt, 1, K, buf, gl, 1, cols, gl, 1, false, base);
  const img = g.c * g.h * g.w;
  for (let i = i0; i < i1; i++) {
    const dst = <usize>g.x + (<usize>(i * img) << 2);
    zeroFloats(dst, img);
    col2imFrom(g, cols, gl, (i - i0) * L, dst);
  }
}

/**
 * Adds gy[img] · im2col(x[img])ᵀ over the images of one chunk into this thread's partial
 * gradient at g.wt + tid·O·K floats (the host zeroes the partials and sums them afterwards).
 */
export function convBackwardWeightChunk(params: usize, chunk: i32, tid: i32): void {
  const g = changetype<Geometry>(params);
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, O = g.o;
  const i0 = chunk * g.group, i1 = min(g.n, i0 + g.group), gl = (i1 - i0) * L;
  const base = scratchOf(g, tid), cols = colsOf(base), buf = bufOf(base, K, g, L);
  const img = g.c * g.h * g.w;
  for (let i = i0; i < i1; i++) im2colInto(g, <usize>g.x + (<usize>(i * img) << 2), cols, gl, (i - i0) * L);
  gatherGrad(g, i0, i1, L, gl, buf);
  const partial = <usize>g.wt + (<usize>(tid * O * K) << 2);
  // partial[O, K] += buf[O, gl] · colsᵀ[gl, K]
  gemmBlocked(O, K, gl, buf, gl, 1, cols, 1, gl, partial, K, 1, true, base);
}
