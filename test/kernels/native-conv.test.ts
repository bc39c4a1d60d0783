// The native conv2d (im2col + the AVX2 GEMM) against the direct float64 reference (forward)
// and the js backend (backward), over strides, paddings, 1×1 (no im2col), rectangular
// kernels, odd sizes and batches smaller and larger than the thread count, in both plans
// (small maps in chunks, large maps image by image).
import { conv2dGeometry, findBackend, type Conv2dGeometry } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { nativeAddon } from '../../packages/kernels/src/native/addon.ts';
import { referenceConv2d, worstError } from '../helpers/reference.ts';

const test = suite('native conv2d');
const native = findBackend('native');
const js = findBackend('js')!;
const av = native ? native.available() : { ok: false as const, reason: 'not registered' };

let seed = 99;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const filled = (n: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rand(); return a; };
const close = (got: Float32Array, want: ArrayLike<number>, what: string, tol = 1e-4) => {
  const w = worstError(got, want, tol, tol);
  assert.ok(w.ratio <= 1, `${what}: element ${w.index} is ${got[w.index]} vs ${want[w.index]}`);
};

// [N, C, H, W], [O, C, kh, kw], options
const cases: [number[], number[], { stride?: number | [number, number]; padding?: number | [number, number] }][] = [
  [[2, 3, 7, 7], [4, 3, 3, 3], {}],
  [[1, 1, 28, 28], [4, 1, 3, 3], { stride: 2, padding: 1 }],
  [[5, 4, 14, 14], [8, 4, 3, 3], { stride: 2, padding: 1 }],
  [[3, 8, 9, 11], [5, 8, 1, 1], {}],
  [[2, 8, 9, 11], [5, 8, 1, 1], { stride: 2 }],
  [[4, 3, 10, 6], [6, 3, 2, 5], { stride: [1, 2], padding: [0, 2] }],
  [[3, 2, 5, 5], [3, 2, 5, 5], { padding: 3 }],
  [[2, 16, 12, 12], [20, 16, 3, 3], { padding: 1 }],
  [[8, 6, 13, 13], [7, 6, 3, 3], { stride: 3, padding: 2 }],
  // small maps with 8·k output channels: the direct plan (conv_direct.cc)
  [[3, 5, 9, 7], [16, 5, 3, 2], { stride: [2, 1], padding: [1, 0] }],
  [[1, 3, 6, 6], [24, 3, 3, 3], { padding: 1 }],
  [[7, 16, 4, 4], [32, 16, 3, 3], { stride: 2, padding: 1 }],
  [[4, 2, 10, 10], [64, 2, 5, 5], { stride: 3, padding: 2 }],
  [[9, 9, 5, 5], [40, 9, 1, 1], {}],
  // im2col matrices over 2^18 floats: the per-image plan
  [[2, 8, 64, 64], [4, 8, 3, 3], { padding: 1 }],
  [[3, 8, 130, 130], [5, 8, 3, 3], { stride: 2, padding: 1 }],
  [[2, 300, 30, 30], [4, 300, 1, 1], {}],
  [[2, 10, 60, 90], [3, 10, 2, 5], { stride: [1, 2], padding: [0, 2] }],
];

function runCase(g: Conv2dGeometry, label: string): void {
  const x = filled(g.n * g.c * g.h * g.w), w = filled(g.o * g.c * g.kh * g.kw), bias = filled(g.o);
  const L = g.outH * g.outW, gy = filled(g.n * g.o * L);
  const k = native!.kernels;
  const out = new Float32Array(g.n * g.o * L).fill(NaN);
  k.conv2dForward!(g, x, w, bias, out);
  close(out, referenceConv2d(g, x, w, bias), `${label} forward`);
  k.conv2dForward!(g, x, w, null, out);
  close(out, referenceConv2d(g, x, w, null), `${label} forward without bias`);

  const gx = new Float32Array(g.n * g.c * g.h * g.w).fill(NaN), gxRef = new Float32Array(gx.length);
  k.conv2dBackwardData!(g, gy, w, gx);
  js.kernels.conv2dBackwardData!(g, gy, w, gxRef);
  close(gx, gxRef, `${label} backward-data`);

  const gw = new Float32Array(w.length).fill(NaN), gwRef = new Float32Array(w.length);
  k.conv2dBackwardWeight!(g, x, gy, gw);
  js.kernels.conv2dBackwardWeight!(g, x, gy, gwRef);
  close(gw, gwRef, `${label} backward-weight`);
}

if (!av.ok) {
  skip(test, 'native conv2d', `native unavailable: ${av.reason}`);
} else {
  for (const [input, weight, opts] of cases) {
    const label = `input [${input}] weight [${weight}] ${JSON.stringify(opts)}`;
    test(label, () => runCase(conv2dGeometry(input, weight, opts), label));
  }

  test('ch13 simple_cnn shapes, batch 64, and a 3×3 64→64 conv on 28×28', () => {
    const layers: [number, number, number][] = [[1, 4, 28], [4, 8, 14], [8, 16, 7], [16, 32, 4], [32, 2, 2]];
    for (const [c, o, hw] of layers) runCase(conv2dGeometry([64, c, hw, hw], [o, c, 3, 3], { stride: 2, padding: 1 }), `simple_cnn ${c}→${o}`);
    runCase(conv2dGeometry([2, 64, 28, 28], [64, 64, 3, 3], { padding: 1 }), '64→64');
  });

  test('im2col / col2im match the js kernels', () => {
    const g = conv2dGeometry([1, 3, 9, 8], [2, 3, 3, 2], { stride: [2, 1], padding: [1, 2] });
    const image = filled(g.c * g.h * g.w), K = g.c * g.kh * g.kw, L = g.outH * g.outW;
    const cols = new Float32Array(K * L).fill(NaN), colsRef = new Float32Array(K * L);
    native!.kernels.im2col!(g, image, cols);
    js.kernels.im2col!(g, image, colsRef);
    assert.equal(cols, colsRef);
    const back = new Float32Array(image.length), backRef = new Float32Array(image.length);
    native!.kernels.col2im!(g, colsRef, back);
    js.kernels.col2im!(g, colsRef, backRef);
    close(back, backRef, 'col2im', 1e-6);
  });

  test('an empty batch: outputs untouched, gradWeight zeroed', () => {
    const g = conv2dGeometry([0, 3, 5, 5], [2, 3, 3, 3], {});
    const gw = new Float32Array(2 * 3 * 9).fill(5);
    native!.kernels.conv2dBackwardWeight!(g, new Float32Array(0), new Float32Array(0), gw);
    assert.ok(gw.every((v) => v === 0));
    native!.kernels.conv2dForward!(g, new Float32Array(0), filled(54), null, new Float32Array(0));
  });

  // Small maps take the chunked plan (threaded GEMMs), large ones the per-image plan (whole images per thread).
  for (const [input, weight] of [[[6, 16, 20, 20], [24, 16, 3, 3]], [[4, 16, 48, 48], [8, 16, 3, 3]]])
  test(`threads: [${input}] forward and backward-data match 1 thread bitwise, backward-weight within 1e-6`, () => {
    const addon = nativeAddon()!;
    const before = addon.info().threads;
    const g = conv2dGeometry(input!, weight!, { padding: 1 });
    const x = filled(g.n * g.c * g.h * g.w), w = filled(g.o * g.c * 9), gy = filled(g.n * g.o * g.outH * g.outW);
    const run = (threads: number) => {
      addon.setThreads(threads);
      const out = new Float32Array(gy.length), gx = new Float32Array(x.length), gw = new Float32Array(w.length);
      native!.kernels.conv2dForward!(g, x, w, null, out);
      native!.kernels.conv2dBackwardData!(g, gy, w, gx);
      native!.kernels.conv2dBackwardWeight!(g, x, gy, gw);
      return { out, gx, gw };
    };
    try {
      const one = run(1), two = run(2);
      assert.equal(two.out, one.out);
      assert.equal(two.gx, one.gx);
      let num = 0, den = 0;
      for (let i = 0; i < one.gw.length; i++) { num += (two.gw[i]! - one.gw[i]!) ** 2; den += one.gw[i]! ** 2; }
      assert.ok(Math.sqrt(num / den) <= 1e-6, `relative difference ${Math.sqrt(num / den)}`);
    } finally {
      addon.setThreads(before);
    }
  });
}

test.run();
