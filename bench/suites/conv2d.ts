// The conv2d suite at the kernel level: forward, forward + both backward kernels, and im2col alone,
// for ch13's simple_cnn layers and a 3×3 64→64 conv, against tfjs, onnxruntime (forward) and torch.
import { conv2dGeometry, type Conv2dGeometry } from '@groundup/kernels';
import { randomArray } from '../lib/data.ts';
import type { Prepared } from '../lib/measure.ts';
import type { BenchCase } from '../lib/types.ts';
import { onnxImpls } from '../peers/onnx.ts';
import { tfjsImpls } from '../peers/tfjs.ts';
import { torchPeer } from '../peers/torch.ts';
import { backendKernel, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';

/** Checks a few forward outputs against a direct convolution; returns what is wrong, or null. */
export function checkConv(g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array, out: Float32Array): string | null {
  const L = g.outH * g.outW;
  for (let t = 0; t < 6; t++) {
    const n = (t * 31) % g.n, o = (t * 17) % g.o, oy = (t * 5) % g.outH, ox = (t * 3) % g.outW;
    let s = b[o]!;
    for (let ci = 0; ci < g.c; ci++)
      for (let ky = 0; ky < g.kh; ky++)
        for (let kx = 0; kx < g.kw; kx++) {
          const iy = oy * g.strideH - g.padH + ky, ix = ox * g.strideW - g.padW + kx;
          if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
          s += x[((n * g.c + ci) * g.h + iy) * g.w + ix]! * w[((o * g.c + ci) * g.kh + ky) * g.kw + kx]!;
        }
    const got = out[(n * g.o + o) * L + oy * g.outW + ox]!;
    if (!(Math.abs(got - s) <= 1e-3 * (Math.sqrt(g.c * g.kh * g.kw) + Math.abs(s)))) return `out[${n},${o},${oy},${ox}] = ${got}, expected ${s.toFixed(4)}`;
  }
  return null;
}

function prepareConv(bk: GroundupBackend, c: BenchCase): Prepared | null {
  if (c.kind !== 'conv') return null;
  const g = conv2dGeometry([c.n, c.c, c.h, c.w], [c.o, c.c, c.kh, c.kw], { stride: c.stride, padding: c.pad });
  const img = c.c * c.h * c.w, K = c.c * c.kh * c.kw, L = g.outH * g.outW;
  const x = randomArray(c.n * img, 1);
  if (c.mode === 'im2col') {
    const { fn: im2col, note } = backendKernel(bk.name, 'im2col');
    const cols = new Float32Array(c.n * K * L);
    const run = (): void => {
      for (let i = 0; i < c.n; i++) im2col(g, x.subarray(i * img, (i + 1) * img), cols.subarray(i * K * L, (i + 1) * K * L));
    };
    return note ? { run, threads: bk.threads, note } : { run, threads: bk.threads };
  }
  const w = randomArray(c.o * K, 2), b = randomArray(c.o, 3);
  const out = new Float32Array(c.n * c.o * L);
  const fwd = backendKernel(bk.name, 'conv2dForward');
  const check = (): string | null => checkConv(g, x, w, b, out);
  if (c.mode === 'fwd') {
    const r: Prepared = { run: () => fwd.fn(g, x, w, b, out), threads: bk.threads, check };
    if (fwd.note) r.note = fwd.note;
    return r;
  }
  const bwdData = backendKernel(bk.name, 'conv2dBackwardData'), bwdWeight = backendKernel(bk.name, 'conv2dBackwardWeight');
  const dy = randomArray(c.n * c.o * L, 4), dx = new Float32Array(c.n * img), dw = new Float32Array(c.o * K), db = new Float32Array(c.o);
  const notes = [fwd.note, bwdData.note, bwdWeight.note].filter(Boolean).join('; ');
  const r: Prepared = {
    threads: bk.threads,
    check,
    run: () => {
      fwd.fn(g, x, w, b, out);
      bwdData.fn(g, dy, w, dx);
      bwdWeight.fn(g, x, dy, dw);
      // The bias gradient (every peer computes it too): a sum of dy over batch and positions.
      db.fill(0);
      for (let i = 0; i < c.n; i++)
        for (let o = 0; o < c.o; o++) {
          let s = 0;
          const base = (i * c.o + o) * L;
          for (let p = 0; p < L; p++) s += dy[base + p]!;
          db[o]! += s;
        }
    },
  };
  if (notes) r.note = notes;
  return r;
}

export const conv2dSuite: SuiteDef = {
  name: 'conv2d',
  inProcess: async () => [
    ...groundupImpls(prepareConv, (c) => c.kind === 'conv'),
    ...tfjsImpls(),
    ...onnxImpls(),
  ],
  external: [torchPeer],
};
