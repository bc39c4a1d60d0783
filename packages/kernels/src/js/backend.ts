// The pure-TypeScript backend: always available, the reference every other backend falls back to.
import type { Backend } from '../backend.ts';
import { conv2dBackwardDataWith, conv2dBackwardWeightWith, conv2dForwardWith } from './conv2d.ts';
import { gemmF32Js, gemmF64Js } from './gemm.ts';
import { col2imJs, im2colJs } from './im2col.ts';

export const jsBackend: Backend = {
  name: 'js',
  describe: () => 'pure TypeScript, 1 thread',
  threads: 1,
  available: () => ({ ok: true }),
  kernels: {
    gemm: gemmF32Js,
    gemmF64: gemmF64Js,
    conv2dForward: (g, x, w, b, out) => conv2dForwardWith(gemmF32Js, g, x, w, b, out),
    conv2dBackwardData: (g, gy, w, gx) => conv2dBackwardDataWith(gemmF32Js, g, gy, w, gx),
    conv2dBackwardWeight: (g, x, gy, gw) => conv2dBackwardWeightWith(gemmF32Js, g, x, gy, gw),
    im2col: im2colJs,
    col2im: col2imJs,
    // elementwise and sumOuterInner: none; the tensor package's own compiled loops and strided sums are this backend's.
  },
};
