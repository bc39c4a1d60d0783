// The native GEMM on the shapes small models train with (one of m, n, k tiny): the exact layer
// shapes of the MLP, ch4 and ch13 conv (im2col) chapters with their transposes, their odd
// neighbours (n around the 16-column panel, k = 1..40), batches with strides, a shared operand
// and an accumulating C, leading dimensions that force packing, k cut into blocks, the matrix ×
// vector cases (m = 1 or n = 1), and threaded runs that must match one thread bit for bit. All
// through kernel('gemm') on the native backend, against the float64 reference.
import { availability, kernel, setBackend, type GemmArgs } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { nativeAddon } from '../../packages/kernels/src/native/addon.ts';
import { referenceGemm, worstError } from '../helpers/reference.ts';

const test = suite('native gemm: skinny and small shapes');
const av = availability('native');

let seed = 2024;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const fill = (a: Float32Array): Float32Array => { for (let i = 0; i < a.length; i++) a[i] = rand(); return a; };

interface Case {
  m: number; n: number; k: number; transA: boolean; transB: boolean;
  alpha?: number; beta?: 0 | 1;
  padA?: number; padB?: number; padC?: number; // extra elements per row (ld = cols + pad)
  batch?: number; off?: number;
  shareA?: boolean; shareB?: boolean; accumulate?: boolean; // strideA / strideB / strideC = 0
}

const label = (c: Case) => `${c.m}×${c.n}×${c.k}${c.transA ? ' Aᵀ' : ''}${c.transB ? ' Bᵀ' : ''}` +
  `${c.batch && c.batch > 1 ? ` batch ${c.batch}` : ''}${c.beta ? ' beta 1' : ''}${c.alpha !== undefined && c.alpha !== 1 ? ` alpha ${c.alpha}` : ''}`;

/** Runs kernel('gemm') on the case's layout and returns C. */
function run(c: Case, a: Float32Array, b: Float32Array, c0: Float32Array, lay: Layout): Float32Array {
  const cc = c0.slice();
  const p: GemmArgs<Float32Array> = {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha ?? 1, beta: c.beta ?? 0,
    a, aOffset: lay.off, lda: lay.lda, strideA: lay.strideA,
    b, bOffset: lay.off, ldb: lay.ldb, strideB: lay.strideB,
    c: cc, cOffset: lay.off, ldc: lay.ldc, strideC: lay.strideC, batch: lay.batch,
  };
  kernel('gemm')(p);
  return cc;
}

interface Layout { off: number; batch: number; lda: number; ldb: number; ldc: number; strideA: number; strideB: number; strideC: number; ra: number; ca: number; rb: number; cb: number }

function layout(c: Case): Layout {
  const [ra, ca] = c.transA ? [c.k, c.m] : [c.m, c.k], [rb, cb] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = ca + (c.padA ?? 0), ldb = cb + (c.padB ?? 0), ldc = c.n + (c.padC ?? 0);
  const batch = c.batch ?? 1;
  // Gaps between batch items (odd ones, so nothing lines up by accident).
  return {
    off: c.off ?? 0, batch, lda, ldb, ldc, ra, ca, rb, cb,
    strideA: c.shareA ? 0 : ra * lda + 3, strideB: c.shareB ? 0 : rb * ldb + 5, strideC: c.accumulate ? 0 : c.m * ldc + 7,
  };
}

const span = (rows: number, ld: number, stride: number, batch: number, off: number) => off + (batch - 1) * stride + rows * ld;

/** Checks every batch item against the reference, and that nothing outside C moved. */
function check(c: Case, tol = 2e-5): Float32Array {
  const lay = layout(c);
  const a = fill(new Float32Array(span(lay.ra, lay.lda, lay.strideA, lay.batch, lay.off)));
  const b = fill(new Float32Array(span(lay.rb, lay.ldb, lay.strideB, lay.batch, lay.off)));
  const c0 = fill(new Float32Array(span(c.m, lay.ldc, lay.strideC, lay.batch, lay.off)));
  const got = run(c, a, b, c0, lay);
  const alpha = c.alpha ?? 1, beta = c.beta ?? 0;
  const want = Float64Array.from(c0);
  const written = new Uint8Array(c0.length);
  for (let bt = 0; bt < lay.batch; bt++) {
    const A = new Float64Array(lay.ra * lay.ca), B = new Float64Array(lay.rb * lay.cb);
    for (let i = 0; i < lay.ra; i++) for (let j = 0; j < lay.ca; j++) A[i * lay.ca + j] = a[lay.off + bt * lay.strideA + i * lay.lda + j]!;
    for (let i = 0; i < lay.rb; i++) for (let j = 0; j < lay.cb; j++) B[i * lay.cb + j] = b[lay.off + bt * lay.strideB + i * lay.ldb + j]!;
    const ref = referenceGemm(A, B, c.m, c.n, c.k, c.transA, c.transB);
    // Items run in order: with strideC = 0 each one sees the previous ones' C.
    for (let i = 0; i < c.m; i++)
      for (let j = 0; j < c.n; j++) {
        const ci = lay.off + bt * lay.strideC + i * lay.ldc + j;
        want[ci] = alpha * ref[i * c.n + j]! + (beta ? want[ci]! : 0);
        written[ci] = 1;
      }
  }
  const w = worstError(got, want, tol * Math.sqrt(c.k + 1) * (c.accumulate ? lay.batch : 1), tol);
  assert.ok(w.ratio <= 1, `${label(c)}: element ${w.index} is ${got[w.index]} vs ${want[w.index]}`);
  for (let i = 0; i < c0.length; i++) if (!written[i] && got[i] !== c0[i]) assert.unreachable(`${label(c)}: element ${i} outside C was written`);
  return got;
}

const T = [false, true] as const;

if (!av.ok) {
  skip(test, 'native gemm: skinny and small shapes', `native unavailable: ${av.reason}`);
} else {
  test.before(() => { setBackend('native'); });
  test.after(() => { setBackend('auto'); });

  // [m, n, k, transA, transB]: forward and both gradients of each layer.
  const layers: [string, [number, number, number, boolean, boolean][]][] = [
    ['MLP 784→30 (batch 256)', [[256, 30, 784, false, true], [30, 784, 256, true, false], [784, 30, 256, true, false], [256, 784, 30, false, false]]],
    ['MLP 30→1 (batch 256)', [[256, 1, 30, false, false], [256, 1, 30, false, true], [30, 1, 256, true, false], [256, 30, 1, false, true]]],
    ['ch4 linear 784→10 (batch 5)', [[5, 10, 784, false, false], [5, 10, 784, false, true], [784, 10, 5, true, false], [5, 784, 10, false, true]]],
    ['MLP 784→50 (batch 64)', [[64, 50, 784, false, false], [64, 50, 784, false, true], [784, 50, 64, true, false], [64, 784, 50, false, true], [50, 784, 64, true, false]]],
    ['ch13 conv via im2col', [[8, 196, 36, false, false], [8, 49, 72, false, false], [8, 36, 196, false, true], [8, 72, 49, false, true], [36, 196, 8, true, false], [72, 49, 8, true, false]]],
  ];
  for (const [name, shapes] of layers)
    test(`${name}: exact shapes, dense and with padding, offsets, alpha and beta 1`, () => {
      for (const [m, n, k, transA, transB] of shapes) {
        check({ m, n, k, transA, transB });
        check({ m, n, k, transA, transB, alpha: -0.5, beta: 1, padA: 3, padB: 1, padC: 2, off: 5 });
      }
    });

  test('ch13 conv shapes batched over 64 images, with strides between them', () => {
    for (const [m, n, k, transA, transB] of layers[4]![1]) {
      check({ m, n, k, transA, transB, batch: 64 });
      check({ m, n, k, transA, transB, batch: 64, shareA: !transA, beta: 1, padC: 1 }); // one weight for all images
    }
  });

  for (const n of [1, 2, 15, 17, 31, 33])
    test(`odd neighbours: n = ${n}, k = 1..40, m ∈ {1, 5, 6, 7, 13}, all transposes`, () => {
      for (let k = 1; k <= 40; k++)
        for (const m of [1, 5, 6, 7, 13])
          for (const transA of T) for (const transB of T) check({ m, n, k, transA, transB, beta: k % 2 ? 1 : 0 });
    });

  test('odd neighbours of the layer shapes: n = 29..34 and 1..3 around 256×n×784 and m×784×256', () => {
    for (const n of [1, 2, 3, 29, 31, 32, 33, 34]) {
      check({ m: 256, n, k: 784, transA: false, transB: true });
      check({ m: n, n: 784, k: 256, transA: true, transB: false, beta: 1 });
      check({ m: 256, n: 784, k: n, transA: false, transB: false });
    }
  });

  test('batches: strides, a shared A or B, beta 1, and C accumulated over the batch (strideC 0)', () => {
    for (const [m, n, k, transA, transB] of [[256, 30, 784, false, true], [30, 784, 256, true, false], [256, 784, 30, false, false], [5, 10, 784, false, false], [256, 1, 30, false, false], [1, 50, 64, false, true]] as const) {
      check({ m, n, k, transA, transB, batch: 3, beta: 1, padA: 1, padB: 2, padC: 3, off: 2 });
      check({ m, n, k, transA, transB, batch: 3, shareB: true });
      check({ m, n, k, transA, transB, batch: 3, shareA: true, alpha: 2 });
      check({ m, n, k, transA, transB, batch: 4, beta: 1, accumulate: true });
    }
  });

  test('leading dimensions that force packing (multiples of 1024 floats), k cut into blocks', () => {
    // ldb = 1024: a row-major B read in place would pile into one L1 set; lda = 1024 the same for Aᵀ.
    check({ m: 64, n: 30, k: 300, transA: false, transB: false, padB: 1024 - 30 });
    check({ m: 30, n: 64, k: 300, transA: true, transB: false, padA: 1024 - 30, beta: 1 });
    check({ m: 130, n: 40, k: 100, transA: true, transB: false, padA: 2048 - 130, batch: 2 });
    // k over one block (512), over two, and a packed B too large to keep whole (n·k > 2¹⁸).
    check({ m: 20, n: 33, k: 1100, transA: false, transB: true });
    check({ m: 40, n: 400, k: 700, transA: false, transB: true });
    check({ m: 7, n: 17, k: 1537, transA: true, transB: false, beta: 1 });
  });

  test('matrix × vector: m = 1 or n = 1 with strided vectors and leading dimensions', () => {
    for (const k of [1, 7, 8, 15, 16, 17, 33, 300])
      for (const transA of T)
        for (const transB of T) {
          check({ m: 1, n: 77, k, transA, transB, padA: 3, padB: 2 });
          check({ m: 77, n: 1, k, transA, transB, padA: 3, padB: 2, padC: 4, beta: 1 });
          check({ m: 1, n: 1, k, transA, transB, padA: 1, padB: 1, alpha: 3 });
        }
  });

  test('threads: 2 threads give bit-identical results to 1 thread on the skinny shapes', () => {
    const addon = nativeAddon()!;
    const before = addon.info().threads;
    const cases: Case[] = [
      { m: 256, n: 30, k: 784, transA: false, transB: true },
      { m: 30, n: 784, k: 256, transA: true, transB: false },
      { m: 256, n: 784, k: 30, transA: false, transB: false, beta: 1 },
      { m: 64, n: 50, k: 784, transA: false, transB: false },
      { m: 8, n: 196, k: 36, transA: false, transB: false, batch: 64 },
      { m: 4096, n: 1, k: 300, transA: false, transB: false },
      { m: 256, n: 30, k: 784, transA: false, transB: true, batch: 3, accumulate: true, beta: 1 },
    ];
    try {
      for (const c of cases) {
        const lay = layout(c);
        const a = fill(new Float32Array(span(lay.ra, lay.lda, lay.strideA, lay.batch, lay.off)));
        const b = fill(new Float32Array(span(lay.rb, lay.ldb, lay.strideB, lay.batch, lay.off)));
        const c0 = fill(new Float32Array(span(c.m, lay.ldc, lay.strideC, lay.batch, lay.off)));
        addon.setThreads(1);
        const one = run(c, a, b, c0, lay);
        addon.setThreads(2);
        for (let rep = 0; rep < 3; rep++) assert.equal(run(c, a, b, c0, lay), one, label(c));
      }
    } finally {
      addon.setThreads(before);
    }
  });
}

test.run();
