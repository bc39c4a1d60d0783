// conv2d forward / backward-data / backward-weight and im2col / col2im against direct loops,
// once per available backend. Backward-data is also checked as the adjoint of forward:
// ⟨conv(x), gy⟩ = ⟨x, convBackwardData(gy)⟩.
import {
  conv2dBackwardDataWith, conv2dBackwardWeightWith, conv2dForwardWith, conv2dGeometry, kernel,
  type Conv2dGeometry,
} from '@groundup/kernels';
import 'groundup';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';
import { referenceConv2d, worstError } from '../helpers/reference.ts';
import { rng } from '../helpers/mulberry.ts';

const random = (n: number, next: () => number): Float32Array => Float32Array.from({ length: n }, next);

/** gradInput[n,c,iy,ix] = Σ gradOut[n,o,oy,ox] · w[o,c,ky,kx] over the taps that read (iy, ix). */
function referenceBackwardData(g: Conv2dGeometry, gy: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const gx = new Float64Array(g.n * g.c * g.h * g.w);
  forTaps(g, (n, o, c, oy, ox, ky, kx, iy, ix) => {
    gx[((n * g.c + c) * g.h + iy) * g.w + ix]! += gy[((n * g.o + o) * g.outH + oy) * g.outW + ox]! * w[((o * g.c + c) * g.kh + ky) * g.kw + kx]!;
  });
  return gx;
}

/** gradWeight[o,c,ky,kx] = Σ over n, oy, ox of gradOut[n,o,oy,ox] · x[n,c,iy,ix]. */
function referenceBackwardWeight(g: Conv2dGeometry, x: ArrayLike<number>, gy: ArrayLike<number>): Float64Array {
  const gw = new Float64Array(g.o * g.c * g.kh * g.kw);
  forTaps(g, (n, o, c, oy, ox, ky, kx, iy, ix) => {
    gw[((o * g.c + c) * g.kh + ky) * g.kw + kx]! += gy[((n * g.o + o) * g.outH + oy) * g.outW + ox]! * x[((n * g.c + c) * g.h + iy) * g.w + ix]!;
  });
  return gw;
}

/** Calls f for every (output position, weight tap) pair that lands inside the input. */
function forTaps(g: Conv2dGeometry, f: (n: number, o: number, c: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  for (let n = 0; n < g.n; n++) for (let o = 0; o < g.o; o++) for (let c = 0; c < g.c; c++)
    for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++)
      for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
        const iy = oy * g.strideH - g.padH + ky, ix = ox * g.strideW - g.padW + kx;
        if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) f(n, o, c, oy, ox, ky, kx, iy, ix);
      }
}

/** cols[(c·kh + ky)·kw + kx, oy·outW + ox] for one image, zero where the tap is padding. */
function referenceIm2col(g: Conv2dGeometry, img: ArrayLike<number>): Float64Array {
  const L = g.outH * g.outW, cols = new Float64Array(g.c * g.kh * g.kw * L);
  for (let c = 0; c < g.c; c++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++)
    for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) {
      const iy = oy * g.strideH - g.padH + ky, ix = ox * g.strideW - g.padW + kx;
      const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
      cols[((c * g.kh + ky) * g.kw + kx) * L + oy * g.outW + ox] = inside ? img[(c * g.h + iy) * g.w + ix]! : 0;
    }
  return cols;
}

/** image[c, iy, ix] = Σ cols[(c·kh + ky)·kw + kx, oy·outW + ox] over the taps that read (iy, ix). */
function referenceCol2im(g: Conv2dGeometry, cols: ArrayLike<number>): Float64Array {
  const L = g.outH * g.outW, img = new Float64Array(g.c * g.h * g.w);
  forTaps({ ...g, n: 1, o: 1 }, (_n, _o, c, oy, ox, ky, kx, iy, ix) => {
    img[(c * g.h + iy) * g.w + ix]! += cols[((c * g.kh + ky) * g.kw + kx) * L + oy * g.outW + ox]!;
  });
  return img;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  assert.is(got.length, want.length, `${what}: length`);
  const e = worstError(got, want, atol, rtol);
  assert.ok(e.ratio <= 1, `${what}: [${e.index}] = ${got[e.index]}, want ${want[e.index]} (error ratio ${e.ratio.toExponential(2)})`);
}

// [input NCHW, weight OIHW, stride, padding]: strides 1/2, paddings 0/1/2, non-square kernels and
// inputs, batch 1 and 3, channels 1 and 5, 1×1 (the pointwise path), and a kernel as big as the input.
type Shape = [number[], number[], number | [number, number], number | [number, number]];
const shapes: Shape[] = [
  [[1, 1, 5, 5], [1, 1, 3, 3], 1, 0],
  [[1, 1, 7, 6], [2, 1, 3, 3], 1, 1],
  [[3, 5, 9, 8], [4, 5, 3, 3], 2, 1],
  [[3, 5, 8, 9], [4, 5, 2, 3], 1, 2],
  [[1, 5, 10, 7], [3, 5, 3, 1], [2, 1], [0, 2]],
  [[3, 1, 12, 12], [6, 1, 5, 5], 2, 2],
  [[3, 5, 6, 7], [4, 5, 1, 1], 1, 0],
  [[2, 5, 6, 7], [3, 5, 1, 1], 2, 1],
  [[3, 5, 4, 5], [2, 5, 4, 5], 1, 0],
  [[2, 3, 28, 28], [8, 3, 3, 3], 2, 1],
];

describeBackends('conv2d', (test) => {
  const cases = shapes.map(([xs, ws, stride, padding], i) => {
    const g = conv2dGeometry(xs, ws, { stride, padding });
    const next = rng(100 + i);
    const x = random(g.n * g.c * g.h * g.w, next), w = random(g.o * g.c * g.kh * g.kw, next);
    const bias = random(g.o, next), gy = random(g.n * g.o * g.outH * g.outW, next);
    const tol = 1e-4 * Math.sqrt(g.c * g.kh * g.kw);
    return { g, x, w, bias, gy, tol, name: `x[${xs}] w[${ws}] stride ${stride} pad ${padding}` };
  });

  test('forward, with and without bias (out pre-filled with NaN)', () => {
    for (const { g, x, w, bias, tol, name } of cases)
      for (const b of [null, bias]) {
        const out = new Float32Array(g.n * g.o * g.outH * g.outW).fill(NaN);
        kernel('conv2dForward')(g, x, w, b, out);
        expectClose(out, referenceConv2d(g, x, w, b), tol, 1e-4, `${name} bias ${b !== null}`);
      }
  });

  test('backward-data matches a direct loop (gradInput pre-filled with NaN)', () => {
    for (const { g, w, gy, name } of cases) {
      const gx = new Float32Array(g.n * g.c * g.h * g.w).fill(NaN);
      kernel('conv2dBackwardData')(g, gy, w, gx);
      expectClose(gx, referenceBackwardData(g, gy, w), 1e-4 * Math.sqrt(g.o * g.kh * g.kw), 1e-4, name);
    }
  });

  test('backward-data is the adjoint of forward: ⟨conv(x), gy⟩ = ⟨x, convBackwardData(gy)⟩', () => {
    for (const { g, x, w, gy, name } of cases) {
      const out = new Float32Array(g.n * g.o * g.outH * g.outW), gx = new Float32Array(x.length);
      kernel('conv2dForward')(g, x, w, null, out);
      kernel('conv2dBackwardData')(g, gy, w, gx);
      const lhs = dot(out, gy), rhs = dot(x, gx);
      assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.sqrt(gy.length) * (1 + Math.abs(lhs)), `${name}: ${lhs} vs ${rhs}`);
    }
  });

  test('backward-weight matches a direct loop, summed over the batch (gradWeight pre-filled with NaN)', () => {
    for (const { g, x, gy, name } of cases) {
      const gw = new Float32Array(g.o * g.c * g.kh * g.kw).fill(NaN);
      kernel('conv2dBackwardWeight')(g, x, gy, gw);
      expectClose(gw, referenceBackwardWeight(g, x, gy), 1e-4 * Math.sqrt(g.n * g.outH * g.outW), 1e-4, name);
    }
  });

  test('im2col matches a direct loop; col2im is its adjoint and adds into the image', () => {
    for (const { g, x, gy, name } of cases) {
      const img = x.subarray(0, g.c * g.h * g.w);
      const K = g.c * g.kh * g.kw, L = g.outH * g.outW;
      const cols = new Float32Array(K * L).fill(NaN);
      kernel('im2col')(g, img, cols);
      expectClose(cols, referenceIm2col(g, img), 1e-30, 0, `im2col ${name}`);
      // col2im adds, so start from ones; its adjointness to im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩.
      const y = random(K * L, rng(7));
      const back = new Float32Array(img.length).fill(1);
      kernel('col2im')(g, y, back);
      expectClose(back, referenceCol2im(g, y).map((v) => v + 1), 1e-5, 1e-5, `col2im ${name}`);
      const added = back.map((v) => v - 1);
      assert.ok(Math.abs(dot(cols, y) - dot(img, added)) <= 1e-4 * Math.sqrt(y.length), `col2im adjoint ${name}`);
    }
  });
});

describeBackends('conv2d float64 through the *With helpers and gemmF64', (test) => {
  test('forward, backward-data and backward-weight at 1e-12', () => {
    const gemm = kernel('gemmF64');
    for (const [i, [xs, ws, stride, padding]] of shapes.entries()) {
      const g = conv2dGeometry(xs, ws, { stride, padding });
      const next = rng(200 + i);
      const f64 = (n: number): Float64Array => Float64Array.from({ length: n }, next);
      const x = f64(g.n * g.c * g.h * g.w), w = f64(g.o * g.c * g.kh * g.kw), b = f64(g.o), gy = f64(g.n * g.o * g.outH * g.outW);
      const out = new Float64Array(gy.length).fill(NaN), gx = new Float64Array(x.length).fill(NaN), gw = new Float64Array(w.length).fill(NaN);
      conv2dForwardWith(gemm, g, x, w, b, out);
      conv2dBackwardDataWith(gemm, g, gy, w, gx);
      conv2dBackwardWeightWith(gemm, g, x, gy, gw);
      const name = `x[${xs}] w[${ws}]`;
      expectClose(out, referenceConv2d(g, x, w, b), 1e-12, 1e-12, `forward ${name}`);
      expectClose(gx, referenceBackwardData(g, gy, w), 1e-12, 1e-12, `backward-data ${name}`);
      expectClose(gw, referenceBackwardWeight(g, x, gy), 1e-12, 1e-12, `backward-weight ${name}`);
    }
  });
});
