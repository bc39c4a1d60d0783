// 1,000 GEMM and conv calls of mixed sizes leave the Wasm memory bounded: after one warm-up pass
// over the sizes, the arena never grows again (it is reused call after call).
import { conv2dGeometry, findBackend, kernel, type Conv2dGeometry, type GemmArgs } from '@groundup/kernels';
import * as assert from 'uvu/assert';
import type { WasmBackend } from '../../packages/kernels/src/wasm/backend.ts';
import { describeBackends } from '../helpers/backends.ts';

const gemmSizes: [number, number, number, number][] = [[1, 1, 1, 1], [64, 784, 50, 1], [33, 17, 127, 3], [128, 128, 128, 1], [200, 96, 150, 2], [5, 10, 784, 1]];
const convShapes: Conv2dGeometry[] = [
  conv2dGeometry([64, 1, 28, 28], [4, 1, 3, 3], { stride: 2, padding: 1 }),
  conv2dGeometry([64, 8, 7, 7], [16, 8, 3, 3], { stride: 2, padding: 1 }),
  conv2dGeometry([4, 16, 14, 14], [16, 16, 3, 3], { padding: 1 }),
];

function gemmArgs([m, n, k, batch]: [number, number, number, number]): GemmArgs {
  return { transA: (m + k) % 2 === 0, transB: n % 2 === 0, m, n, k, alpha: 1, beta: 0,
    a: new Float32Array(m * k * batch).fill(0.5), aOffset: 0, lda: (m + k) % 2 === 0 ? m : k, strideA: m * k,
    b: new Float32Array(k * n * batch).fill(0.25), bOffset: 0, ldb: n % 2 === 0 ? k : n, strideB: k * n,
    c: new Float32Array(m * n * batch), cOffset: 0, ldc: n, strideC: m * n, batch };
}

function call(i: number): void {
  const which = i % 4;
  if (which < 2) {
    const p = gemmArgs(gemmSizes[((i >> 2) * 2 + which) % gemmSizes.length]!);
    kernel('gemm')(p);
    assert.is(p.c[p.c.length - 1], 0.125 * p.k);
    return;
  }
  const g = convShapes[(i >> 2) % convShapes.length]!;
  const x = new Float32Array(g.n * g.c * g.h * g.w).fill(1), w = new Float32Array(g.o * g.c * g.kh * g.kw).fill(1);
  const gy = new Float32Array(g.n * g.o * g.outH * g.outW).fill(1);
  if (which === 2) kernel('conv2dForward')(g, x, w, null, gy);
  else if (i % 8 === 3) kernel('conv2dBackwardData')(g, gy, w, x);
  else kernel('conv2dBackwardWeight')(g, x, gy, w);
}

describeBackends('wasm memory', (test, name) => {
  test('1,000 mixed GEMM and conv calls: no growth after warm-up', () => {
    const arena = (findBackend(name) as WasmBackend).internals.arena;
    for (let i = 0; i < 48; i++) call(i); // every size and kind once
    const warm = arena.bytes;
    for (let i = 0; i < 1000; i++) call((i * 7919) % 1000);
    assert.is(arena.bytes, warm, `memory grew from ${warm} to ${arena.bytes} bytes`);
    assert.ok(warm < 64 << 20, `memory after warm-up is ${warm} bytes`);
  });
}, ['wasm', 'wasm-mt']);
