// The native GEMM against the float64 reference: odd sizes around the 6×16 tile and the
// cache blocks, all transposes, leading dimensions, offsets, subarray views, batches with
// strides (including a shared operand and an accumulating C), float64, and threaded runs
// that must match one thread bit for bit (threads own disjoint blocks of C).
import { findBackend, type FloatArray, type GemmArgs } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { nativeAddon } from '../../packages/kernels/src/native/addon.ts';
import { referenceGemm, worstError } from '../helpers/reference.ts';

const test = suite('native gemm');
const native = findBackend('native');
const av = native ? native.available() : { ok: false as const, reason: 'not registered' };

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const fill = <T extends FloatArray>(a: T): T => { for (let i = 0; i < a.length; i++) a[i] = rand(); return a; };

interface Case { m: number; n: number; k: number; transA: boolean; transB: boolean; alpha?: number; beta?: 0 | 1; pad?: number; batch?: number; off?: number }

/** Builds operands with the case's layout, runs gemm, and checks every batch item against the reference. */
function check<T extends FloatArray>(make: (n: number) => T, gemm: (p: GemmArgs<T>) => void, c: Case, tol: number): void {
  const { m, n, k, transA, transB } = c;
  const alpha = c.alpha ?? 1, beta = c.beta ?? 0, pad = c.pad ?? 0, batch = c.batch ?? 1, off = c.off ?? 0;
  const [ra, ca] = transA ? [k, m] : [m, k], [rb, cb] = transB ? [n, k] : [k, n];
  const lda = ca + pad, ldb = cb + pad, ldc = n + pad;
  const strideA = ra * lda + 3, strideB = rb * ldb + 1, strideC = m * ldc + 2;
  const a = fill(make(off + batch * strideA)), b = fill(make(off + batch * strideB)), cc = fill(make(off + batch * strideC));
  const c0 = cc.slice() as T;
  gemm({ transA, transB, m, n, k, alpha, beta, a, aOffset: off, lda, strideA, b, bOffset: off, ldb, strideB, c: cc, cOffset: off, ldc, strideC, batch });
  for (let bt = 0; bt < batch; bt++) {
    const A = new Float64Array(ra * ca), B = new Float64Array(rb * cb);
    for (let i = 0; i < ra; i++) for (let j = 0; j < ca; j++) A[i * ca + j] = a[off + bt * strideA + i * lda + j]!;
    for (let i = 0; i < rb; i++) for (let j = 0; j < cb; j++) B[i * cb + j] = b[off + bt * strideB + i * ldb + j]!;
    const ref = referenceGemm(A, B, m, n, k, transA, transB);
    const got = new Float64Array(m * n), want = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const ci = off + bt * strideC + i * ldc + j;
        got[i * n + j] = cc[ci]!;
        want[i * n + j] = alpha * ref[i * n + j]! + (beta ? c0[ci]! : 0);
      }
    const w = worstError(got, want, tol * Math.sqrt(k + 1), tol);
    assert.ok(w.ratio <= 1, `${JSON.stringify(c)} batch ${bt}: element ${w.index} is ${got[w.index]} vs ${want[w.index]}`);
  }
  // The padding between rows and batch items is never written.
  for (let bt = 0; bt < batch; bt++)
    for (let i = 0; i < m; i++)
      for (let j = n; j < ldc; j++) assert.is(cc[off + bt * strideC + i * ldc + j], c0[off + bt * strideC + i * ldc + j]);
  for (let i = 0; i < off; i++) assert.is(cc[i], c0[i]);
}

const sizes: [number, number, number][] = [
  [1, 1, 1], [5, 7, 3], [6, 16, 4], [7, 17, 5], [12, 32, 8], [13, 31, 9], [1, 100, 50], [100, 1, 50], [33, 65, 0],
  [64, 64, 64], [17, 250, 300], [150, 40, 20], [145, 47, 257], [97, 129, 513],
  [4, 9, 1000], [7, 33, 517], [16, 72, 1024], // small C, long k: the dot-product path when transB
];

if (!av.ok) {
  skip(test, 'native gemm', `native unavailable: ${av.reason}`);
} else {
  const g32 = native!.kernels.gemm!, g64 = native!.kernels.gemmF64!;
  for (const [m, n, k] of sizes)
    for (const transA of [false, true])
      for (const transB of [false, true])
        test(`float32 ${m}×${n}×${k} transA=${transA} transB=${transB}`, () => {
          check((l) => new Float32Array(l), g32, { m, n, k, transA, transB }, 2e-5);
          check((l) => new Float32Array(l), g32, { m, n, k, transA, transB, alpha: -0.5, beta: 1, pad: 3, off: 5, batch: 3 }, 2e-5);
        });

  test('float32 large: 300×4100×40 crosses the NC block; 260×300×600 runs threaded', () => {
    check((l) => new Float32Array(l), g32, { m: 30, n: 4100, k: 40, transA: false, transB: true }, 2e-5);
    check((l) => new Float32Array(l), g32, { m: 260, n: 300, k: 600, transA: true, transB: false, beta: 1, pad: 1 }, 2e-5);
  });

  for (const [m, n, k] of [[5, 7, 3], [13, 9, 21], [70, 33, 300], [128, 128, 128]] as [number, number, number][])
    test(`float64 ${m}×${n}×${k}, all transposes, batched`, () => {
      for (const transA of [false, true])
        for (const transB of [false, true])
          check((l) => new Float64Array(l), g64, { m, n, k, transA, transB, alpha: 2, beta: 1, pad: 2, off: 1, batch: 2 }, 1e-12);
    });

  test('subarray views: the addon honours byteOffset', () => {
    const m = 9, n = 20, k = 11;
    const bigA = fill(new Float32Array(m * k + 7)), bigB = fill(new Float32Array(k * n + 3)), bigC = new Float32Array(m * n + 5).fill(7);
    const a = bigA.subarray(7), b = bigB.subarray(3), c = bigC.subarray(5);
    g32({ transA: false, transB: false, m, n, k, alpha: 1, beta: 0, a, aOffset: 0, lda: k, strideA: 0, b, bOffset: 0, ldb: n, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, batch: 1 });
    const ref = referenceGemm(a, b, m, n, k, false, false);
    assert.ok(worstError(c, ref, 1e-4, 1e-4).ratio <= 1);
    for (let i = 0; i < 5; i++) assert.is(bigC[i], 7);
  });

  test('batch with a shared A (strideA 0) and an accumulating C (strideC 0)', () => {
    for (const [m, n, k, transB] of [[8, 19, 10, false], [5, 6, 400, true]] as const) {
      const batch = 4;
      const a = fill(new Float32Array(m * k)), b = fill(new Float32Array(batch * k * n)), c = new Float32Array(m * n);
      g32({ transA: false, transB, m, n, k, alpha: 1, beta: 1, a, aOffset: 0, lda: k, strideA: 0, b, bOffset: 0, ldb: transB ? k : n, strideB: k * n, c, cOffset: 0, ldc: n, strideC: 0, batch });
      const want = new Float64Array(m * n);
      for (let bt = 0; bt < batch; bt++) {
        const r = referenceGemm(a, b.subarray(bt * k * n, (bt + 1) * k * n), m, n, k, false, transB);
        for (let i = 0; i < want.length; i++) want[i]! += r[i]!;
      }
      assert.ok(worstError(c, want, 1e-4, 1e-4).ratio <= 1, `${m}×${n}×${k} transB=${transB}`);
    }
  });

  test('threads: 2 threads give bit-identical results to 1 thread', () => {
    const addon = nativeAddon()!;
    const before = addon.info().threads;
    const m = 203, n = 301, k = 517;
    const a = fill(new Float32Array(m * k)), b = fill(new Float32Array(n * k));
    const run = (threads: number, batch: number) => {
      addon.setThreads(threads);
      const c = new Float32Array(batch * m * n);
      g32({ transA: false, transB: true, m, n, k, alpha: 1, beta: 0, a, aOffset: 0, lda: k, strideA: 0, b, bOffset: 0, ldb: k, strideB: 0, c, cOffset: 0, ldc: n, strideC: m * n, batch });
      return c;
    };
    try {
      for (const batch of [1, 4]) assert.equal(run(2, batch), run(1, batch));
    } finally {
      addon.setThreads(before);
    }
  });
}

test.run();
