// conv2d forward as an indirect GEMM (after XNNPACK's indirect convolution): no im2col matrix.
// Each image is copied once into a zero-padded buffer; then out[o][p] = bias[o] + Σ_k
// xpad[base(p) + koff[k]] · W[o][k], where base(p) is the top-left corner of pixel p's window
// and koff[k] the offset of tap k = (ci, ky, kx) inside it. The micro-kernel computes 4 pixels ×
// 8 output channels with the same registers as the GEMM kernel, fetching A through koff.
import { Geometry } from './geometry';
import { NR } from './microkernel';
import { packB } from './pack';
import { copyFloats, madd, transpose4, zeroFloats } from './simd';

@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
@inline function padH(g: Geometry): i32 { return g.h + 2 * g.ph; }
@inline function padW(g: Geometry): i32 { return g.w + 2 * g.pw; }

// Shared block (g.shared): koff [K] and pixel window corners [L4] as i32 byte offsets,
// then packed Wᵀ [K × O8], then bias [O8].
@inline function kOffsets(g: Geometry): usize { return <usize>g.shared; }
@inline function pixelBases(g: Geometry, K: i32): usize { return <usize>g.shared + (<usize>roundUp(K, 4) << 2); }
@inline function packedW(g: Geometry, K: i32): usize { return pixelBases(g, K) + (<usize>roundUp(g.outH * g.outW, 4) << 2); }
@inline function biasPad(g: Geometry, K: i32): usize { return packedW(g, K) + (<usize>(K * roundUp(g.o, NR)) << 2); }

/** Bytes of the shared block. */
export function indirectSharedBytes(c: i32, kh: i32, kw: i32, o: i32, outH: i32, outW: i32): i32 {
  const K = c * kh * kw;
  return (roundUp(K, 4) + roundUp(outH * outW, 4) + K * roundUp(o, NR) + roundUp(o, NR)) * 4;
}
/** Bytes of per-thread scratch: one padded image and one spill tile. */
export function indirectScratchBytes(c: i32, h: i32, w: i32, ph: i32, pw: i32): i32 {
  return (c * (h + 2 * ph) * (w + 2 * pw) + 4 * NR) * 4;
}

/**
 * Main thread, once per job: tap offsets, window corners (a missing pixel of the last group of 4
 * repeats the last one; it is computed, not stored), Wᵀ packed in panels of 8 channels, bias.
 */
export function indirectPrepare(params: usize): void {
  const g = changetype<Geometry>(params);
  const K = g.c * g.kh * g.kw, hp = padH(g), wp = padW(g), o8 = roundUp(g.o, NR), L = g.outH * g.outW;
  const koff = kOffsets(g);
  for (let ci = 0; ci < g.c; ci++)
    for (let ky = 0; ky < g.kh; ky++)
      for (let kx = 0; kx < g.kw; kx++)
        store<i32>(koff + (<usize>((ci * g.kh + ky) * g.kw + kx) << 2), ((ci * hp + ky) * wp + kx) << 2);
  const pb = pixelBases(g, K);
  for (let p = 0; p < roundUp(L, 4); p++) {
    const q = min(p, L - 1), oy = q / g.outW, ox = q - oy * g.outW;
    store<i32>(pb + (<usize>p << 2), (oy * g.sh * wp + ox * g.sw) << 2);
  }
  // B[k][o] = W[o][k]: W read with row stride 1 and column stride K
  packB(<usize>g.wt, 1, K, K, g.o, packedW(g, K));
  const b = biasPad(g, K);
  zeroFloats(b, o8);
  if (g.bias != 0) copyFloats(b, <usize>g.bias, g.o);
}

/** Zeroes xpad [C][H+2ph][W+2pw]: the border stays zero while padImage rewrites the interior. */
function clearPadded(g: Geometry, xpad: usize): void {
  zeroFloats(xpad, g.c * padH(g) * padW(g));
}

/** Copies image [C][H][W] into the interior of xpad (whose border clearPadded zeroed). */
function padImage(g: Geometry, image: usize, xpad: usize): void {
  const hp = padH(g), wp = padW(g), w = g.w;
  for (let ci = 0; ci < g.c; ci++) {
    let row = xpad + (<usize>((ci * hp + g.ph) * wp + g.pw) << 2);
    let src = image + (<usize>(ci * g.h * w) << 2);
    for (let y = 0; y < g.h; y++) {
      copyFloats(row, src, w);
      row += <usize>wp << 2;
      src += <usize>w << 2;
    }
  }
}

/**
 * 4 pixels (window corners a0..a3, byte addresses) × 8 channels (packed panel bp). Writes
 * out[o·L + p] for o < no, p < np, plus bias (8 floats at bias); tmp: 32 floats of spill space.
 */
@inline function tile(K: i32, koff: usize, a0: usize, a1: usize, a2: usize, a3: usize, bp: usize,
  out: usize, L: i32, np: i32, no: i32, bias: usize, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let k = 0; k < K; k++) {
    const off = <usize>load<i32>(koff);
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(a0 + off);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(a1 + off);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(a2 + off);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(a3 + off);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    koff += 4; bp += 32;
  }
  const bv0 = v128.load(bias), bv1 = v128.load(bias, 16);
  c00 = f32x4.add(c00, bv0); c10 = f32x4.add(c10, bv0); c20 = f32x4.add(c20, bv0); c30 = f32x4.add(c30, bv0);
  c01 = f32x4.add(c01, bv1); c11 = f32x4.add(c11, bv1); c21 = f32x4.add(c21, bv1); c31 = f32x4.add(c31, bv1);
  const row = <usize>L << 2;
  if (np == 4) {
    // rows of the tile are pixels; out wants channels: transpose while storing
    if (no == NR) {
      transpose4(c00, c10, c20, c30, out, row);
      transpose4(c01, c11, c21, c31, out + 4 * row, row);
      return;
    }
    transpose4(c00, c10, c20, c30, tmp, 16);
    transpose4(c01, c11, c21, c31, tmp + 64, 16);
    for (let o = 0; o < no; o++) v128.store(out + <usize>o * row, v128.load(tmp + (<usize>o << 4)));
    return;
  }
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let p = 0; p < np; p++)
    for (let o = 0; o < no; o++) store<f32>(out + <usize>o * row + (<usize>p << 2), load<f32>(tmp + (<usize>(p * NR + o) << 2)));
}

/** y[img] = conv(x[img], w) + bias for the images of one chunk, after indirectPrepare. */
export function indirectForwardChunk(params: usize, chunk: i32, tid: i32): void {
  const g = changetype<Geometry>(params);
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, O = g.o, wp = padW(g);
  const xpad = <usize>g.scratch + <usize>tid * <usize>g.scratchStride;
  const tmp = xpad + (<usize>(g.c * padH(g) * wp) << 2);
  const koff = kOffsets(g), pb = pixelBases(g, K), pw = packedW(g, K), bias = biasPad(g, K);
  const i0 = chunk * g.group, i1 = min(g.n, i0 + g.group);
  const img = g.c * g.h * g.w;
  clearPadded(g, xpad);
  for (let i = i0; i < i1; i++) {
    padImage(g, <usize>g.x + (<usize>(i * img) << 2), xpad);
    const y = <usize>g.y + (<usize>(i * O * L) << 2);
    for (let jr = 0; jr < O; jr += NR) {
      const bp = pw + (<usize>(jr * K) << 2), no = min(NR, O - jr);
      const out = y + (<usize>(jr * L) << 2), b = bias + (<usize>jr << 2);
      for (let p = 0; p < L; p += 4) {
        const np = min(4, L - p), c = pb + (<usize>p << 2);
        const a0 = xpad + <usize>load<i32>(c), a1 = xpad + <usize>load<i32>(c, 4);
        const a2 = xpad + <usize>load<i32>(c, 8), a3 = xpad + <usize>load<i32>(c, 12);
        tile(K, koff, a0, a1, a2, a3, bp, out + (<usize>p << 2), L, np, no, b, tmp);
      }
    }
  }
}
