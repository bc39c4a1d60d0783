// GEMM against the naive float64 oracle, once per available backend: every transpose combination,
// odd and degenerate sizes, batches with strides (including a broadcast operand), padded leading
// dims, offsets, alpha, beta, and NaN in C under beta 0.
import { BackendError, kernel, type FloatArray, type GemmArgs } from '@groundup/kernels';
import 'groundup';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';
import { referenceGemm, worstError } from '../helpers/reference.ts';
import { rng } from '../helpers/mulberry.ts';


type Ctor<T extends FloatArray> = { new(n: number): T };
interface Case {
  m: number; n: number; k: number; transA: boolean; transB: boolean;
  alpha?: number; beta?: 0 | 1; batch?: number;
  /** extra columns beyond the minimum leading dims (filled with NaN in A and B) */
  padA?: number; padB?: number; padC?: number;
  offA?: number; offB?: number; offC?: number;
  /** when set, the batch stride of that operand is 0 (one matrix shared by the batch) */
  broadcastA?: boolean; broadcastB?: boolean;
}

/** Runs one case through the active backend and checks every entry of C, and C's padding untouched. */
function check<T extends FloatArray>(C: Ctor<T>, gemm: (p: GemmArgs<T>) => void, cs: Case, seed: number, atolScale: number, rtol: number): void {
  const { m, n, k, transA, transB } = cs;
  const alpha = cs.alpha ?? 1, beta = cs.beta ?? 0, batch = cs.batch ?? 1;
  const next = rng(seed);
  const [ar, ac] = transA ? [k, m] : [m, k];
  const [br, bc] = transB ? [n, k] : [k, n];
  const lda = ac + (cs.padA ?? 0), ldb = bc + (cs.padB ?? 0), ldc = n + (cs.padC ?? 0);
  const sizeA = ar * lda, sizeB = br * ldb, sizeC = m * ldc;
  const strideA = cs.broadcastA ? 0 : sizeA + 2, strideB = cs.broadcastB ? 0 : sizeB + 1, strideC = sizeC + 3;
  const offA = cs.offA ?? 0, offB = cs.offB ?? 0, offC = cs.offC ?? 0;
  const nb = Math.max(batch, 1);
  const a = new C(offA + strideA * (nb - 1) + sizeA), b = new C(offB + strideB * (nb - 1) + sizeB);
  const c = new C(offC + strideC * (nb - 1) + sizeC);
  a.fill(NaN); b.fill(NaN); c.fill(beta === 0 ? NaN : 7);
  // Dense copies of each batch entry for the oracle; only the in-bounds cells of A and B get values.
  const denseA: Float64Array[] = [], denseB: Float64Array[] = [], denseC: Float64Array[] = [];
  for (let bt = 0; bt < nb; bt++) {
    const da = new Float64Array(ar * ac), db = new Float64Array(br * bc), dc = new Float64Array(m * n);
    for (let i = 0; i < ar; i++) for (let j = 0; j < ac; j++) {
      const at = offA + bt * strideA + i * lda + j;
      if (bt === 0 || strideA !== 0) a[at] = next();
      da[i * ac + j] = a[at]!;
    }
    for (let i = 0; i < br; i++) for (let j = 0; j < bc; j++) {
      const at = offB + bt * strideB + i * ldb + j;
      if (bt === 0 || strideB !== 0) b[at] = next();
      db[i * bc + j] = b[at]!;
    }
    if (beta === 1) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      const at = offC + bt * strideC + i * ldc + j;
      c[at] = next();
      dc[i * n + j] = c[at]!;
    }
    denseA.push(da); denseB.push(db); denseC.push(dc);
  }
  const before = c.slice();
  gemm({ transA, transB, m, n, k, alpha, beta, a, aOffset: offA, lda, strideA, b, bOffset: offB, ldb, strideB, c, cOffset: offC, ldc, strideC, batch });
  const label = JSON.stringify(cs);
  const inside = new Uint8Array(c.length);
  for (let bt = 0; bt < batch; bt++) {
    const ref = referenceGemm(denseA[bt]!, denseB[bt]!, m, n, k, transA, transB);
    const got = new Float64Array(m * n), want = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      const at = offC + bt * strideC + i * ldc + j;
      inside[at] = 1;
      got[i * n + j] = c[at]!;
      want[i * n + j] = alpha * ref[i * n + j]! + (beta === 1 ? denseC[bt]![i * n + j]! : 0);
    }
    const e = worstError(got, want, atolScale * Math.sqrt(Math.max(k, 1)), rtol);
    assert.ok(e.ratio <= 1, `${label} batch ${bt}: C[${e.index}] = ${got[e.index]}, want ${want[e.index]} (error ratio ${e.ratio.toExponential(2)})`);
  }
  for (let i = 0; i < c.length; i++)
    if (!inside[i] && !Object.is(c[i], before[i])) assert.unreachable(`${label}: wrote C[${i}] outside the matrices (${before[i]} → ${c[i]})`);
}

const f32 = (cs: Case, seed = 1): void => check(Float32Array, kernel('gemm'), cs, seed, 1e-4, 1e-4);
const f64 = (cs: Case, seed = 1): void => check(Float64Array, kernel('gemmF64'), cs, seed, 1e-12, 1e-12);
const combos: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const tag = (tA: boolean, tB: boolean): string => `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'}`;

describeBackends('gemm', (test) => {
  // Sizes cross the micro-tile edges (4×3) and the cache blocks (MC 128, NC 384, KC 256 in js).
  const sizes: [number, number, number][] = [
    [1, 1, 1], [3, 17, 33], [17, 3, 1], [33, 33, 33], [127, 3, 17], [1, 513, 3], [513, 1, 17],
    [5, 10, 784], [2, 100, 100], [64, 64, 300], [130, 390, 20], [33, 127, 513],
  ];
  for (const [tA, tB] of combos)
    test(`float32 ${tag(tA, tB)}, odd sizes`, () => {
      for (const [m, n, k] of sizes) f32({ m, n, k, transA: tA, transB: tB }, m * 7 + n * 3 + k);
    });

  test('float32 k = 0: C = 0 with beta 0 (NaN overwritten), C kept with beta 1', () => {
    for (const [tA, tB] of combos) {
      f32({ m: 3, n: 5, k: 0, transA: tA, transB: tB });
      f32({ m: 3, n: 5, k: 0, transA: tA, transB: tB, beta: 1 });
      f32({ m: 40, n: 40, k: 0, transA: tA, transB: tB, padC: 3 });
    }
  });

  test('float32 m = 0 or n = 0 or batch = 0 writes nothing', () => {
    for (const [tA, tB] of combos) {
      f32({ m: 0, n: 5, k: 4, transA: tA, transB: tB });
      f32({ m: 5, n: 0, k: 4, transA: tA, transB: tB });
      f32({ m: 0, n: 0, k: 0, transA: tA, transB: tB });
      f32({ m: 6, n: 5, k: 4, transA: tA, transB: tB, batch: 0 });
    }
  });

  test('float32 batch 1 and 3 with batch strides, and a broadcast (stride 0) operand', () => {
    for (const [tA, tB] of combos) {
      f32({ m: 7, n: 9, k: 11, transA: tA, transB: tB, batch: 1 });
      f32({ m: 7, n: 9, k: 11, transA: tA, transB: tB, batch: 3 });
      f32({ m: 40, n: 50, k: 60, transA: tA, transB: tB, batch: 3 });
      f32({ m: 40, n: 50, k: 60, transA: tA, transB: tB, batch: 3, broadcastA: true });
      f32({ m: 6, n: 50, k: 9, transA: tA, transB: tB, batch: 3, broadcastB: true, beta: 1 });
    }
  });

  test('float32 leading dims above the minimum (NaN in the gaps) and non-zero offsets', () => {
    for (const [tA, tB] of combos) {
      f32({ m: 13, n: 7, k: 5, transA: tA, transB: tB, padA: 3, padB: 2, padC: 5, offA: 3, offB: 7, offC: 11 });
      f32({ m: 70, n: 45, k: 90, transA: tA, transB: tB, padA: 1, padB: 9, padC: 4, offA: 1, offB: 2, offC: 5, batch: 2 });
    }
  });

  test('float32 beta 1 accumulates; alpha ≠ 1 scales', () => {
    for (const [tA, tB] of combos) {
      f32({ m: 9, n: 8, k: 7, transA: tA, transB: tB, beta: 1 });
      f32({ m: 65, n: 66, k: 300, transA: tA, transB: tB, beta: 1 });
      f32({ m: 9, n: 8, k: 7, transA: tA, transB: tB, alpha: -0.5 });
      f32({ m: 65, n: 66, k: 67, transA: tA, transB: tB, alpha: 2.5, beta: 1, padC: 2 });
      f32({ m: 20, n: 20, k: 20, transA: tA, transB: tB, alpha: 0 });
    }
  });

  test('float32 beta 0 never reads C (C full of NaN)', () => {
    for (const [tA, tB] of combos)
      for (const [m, n, k] of [[1, 1, 1], [4, 3, 2], [50, 60, 70], [200, 10, 3]] as const)
        f32({ m, n, k, transA: tA, transB: tB, padC: 1 });
  });

  test('float64 (gemmF64) at 1e-12', () => {
    for (const [tA, tB] of combos) {
      for (const [m, n, k] of sizes.slice(0, 9)) f64({ m, n, k, transA: tA, transB: tB }, m + n + k);
      f64({ m: 70, n: 45, k: 90, transA: tA, transB: tB, padA: 1, padB: 9, padC: 4, offA: 1, offB: 2, offC: 5, batch: 3, broadcastB: true });
      f64({ m: 30, n: 31, k: 260, transA: tA, transB: tB, alpha: -2, beta: 1 });
      f64({ m: 3, n: 4, k: 0, transA: tA, transB: tB });
    }
  });
});

describeBackends('gemm argument checks', (test) => {
  const args = (over: Partial<GemmArgs<Float32Array>>): GemmArgs<Float32Array> => ({
    transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, beta: 0,
    a: new Float32Array(4), aOffset: 0, lda: 2, strideA: 0,
    b: new Float32Array(4), bOffset: 0, ldb: 2, strideB: 0,
    c: new Float32Array(4), cOffset: 0, ldc: 2, strideC: 0, batch: 1, ...over,
  });
  test('an operand that runs past its array throws BackendError', () => {
    assert.throws(() => kernel('gemm')(args({ a: new Float32Array(3) })), (e: unknown) => e instanceof BackendError && /operand A/.test(e.message));
    assert.throws(() => kernel('gemm')(args({ cOffset: 1 })), (e: unknown) => e instanceof BackendError && /operand C/.test(e.message));
    assert.throws(() => kernel('gemm')(args({ batch: 2, strideB: 4 })), (e: unknown) => e instanceof BackendError && /operand B/.test(e.message));
    assert.throws(() => kernel('gemm')(args({ ldb: 1 })), (e: unknown) => e instanceof BackendError && /leading dim/.test(e.message));
  });
}, ['js']);
