// The addon keeps its scratch buffers and thread pool between calls: after a warm-up, 2,000
// mixed calls (GEMMs of several shapes, conv forward/backward, rejected calls) leave the
// resident set flat.
import { conv2dGeometry, findBackend, type GemmArgs } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';

const test = suite('native memory');
const native = findBackend('native');
const av = native ? native.available() : { ok: false as const, reason: 'not registered' };

if (!av.ok) {
  skip(test, 'native memory', `native unavailable: ${av.reason}`);
} else {
  test('RSS stays flat over 2,000 mixed calls', () => {
    const k = native!.kernels;
    const sizes = [[7, 9, 5], [64, 64, 64], [130, 70, 300], [3, 500, 40]];
    const ops = sizes.map(([m, n, kk]) => {
      const p: GemmArgs<Float32Array> = {
        transA: false, transB: true, m: m!, n: n!, k: kk!, alpha: 1, beta: 0,
        a: new Float32Array(m! * kk!).fill(0.5), aOffset: 0, lda: kk!, strideA: 0,
        b: new Float32Array(n! * kk!).fill(0.25), bOffset: 0, ldb: kk!, strideB: 0,
        c: new Float32Array(m! * n!), cOffset: 0, ldc: n!, strideC: 0, batch: 1,
      };
      return () => k.gemm!(p);
    });
    const g = conv2dGeometry([8, 8, 14, 14], [16, 8, 3, 3], { padding: 1 });
    const x = new Float32Array(8 * 8 * 196).fill(1), w = new Float32Array(16 * 72).fill(0.1), y = new Float32Array(8 * 16 * 196);
    const gx = new Float32Array(x.length), gw = new Float32Array(w.length), bias = new Float32Array(16);
    ops.push(() => k.conv2dForward!(g, x, w, bias, y), () => k.conv2dBackwardData!(g, y, w, gx), () => k.conv2dBackwardWeight!(g, x, y, gw));
    ops.push(() => { try { k.conv2dForward!(g, x.subarray(1), w, null, y); } catch { /* rejected: must not leak */ } });
    const round = (n: number) => { for (let i = 0; i < n; i++) ops[i % ops.length]!(); };
    round(300);
    const before = process.memoryUsage.rss();
    round(2000);
    const grown = (process.memoryUsage.rss() - before) / 2 ** 20;
    assert.ok(grown < 16, `RSS grew by ${grown.toFixed(1)} MiB`);
  });
}

test.run();
