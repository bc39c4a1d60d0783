// The wasm and wasm-mt GEMM and conv2d against the naive references, on the paths that are
// specific to the Wasm backends: edge tiles, transposed and strided operands, batches that
// share one C, alpha/beta, calls large enough to split across threads, grouped conv chunks.
import { conv2dGeometry, findBackend, kernel, type Conv2dGeometry, type GemmArgs } from '@groundup/kernels';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';
import { referenceConv2d, referenceGemm, worstError } from '../helpers/reference.ts';

let seed = 1;
function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    a[i] = seed / 2 ** 32 - 0.5;
  }
  return a;
}

/** Checks one GEMM with padded leading dimensions, offsets and batch strides against the reference. */
function checkGemm(m: number, n: number, k: number, transA: boolean, transB: boolean, batch: number, beta: 0 | 1, alpha = 1, shareC = false): void {
  const lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
  const strideA = lda * (transA ? k : m) + 1, strideB = ldb * (transB ? n : k) + 2, strideC = shareC ? 0 : ldc * m + 5;
  const a = rand(strideA * batch + 4), b = rand(strideB * batch + 2), c = rand((shareC ? ldc * m : strideC * batch) + 3);
  const expected = c.slice();
  const args: GemmArgs = { transA, transB, m, n, k, alpha, beta, a, aOffset: 4, lda, strideA, b, bOffset: 2, ldb, strideB, c, cOffset: 3, ldc, strideC, batch };
  kernel('gemm')(args);
  for (let t = 0; t < batch; t++) {
    // dense copies of this batch entry's operands for the reference
    const ad = new Float32Array(m * k), bd = new Float32Array(k * n);
    const [ar, ac] = transA ? [k, m] : [m, k], [br, bc] = transB ? [n, k] : [k, n];
    for (let i = 0; i < ar; i++) for (let j = 0; j < ac; j++) ad[i * ac + j] = a[4 + t * strideA + i * lda + j]!;
    for (let i = 0; i < br; i++) for (let j = 0; j < bc; j++) bd[i * bc + j] = b[2 + t * strideB + i * ldb + j]!;
    const r = referenceGemm(ad, bd, m, n, k, transA, transB);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      const at = 3 + t * strideC + i * ldc + j;
      expected[at] = alpha * r[i * n + j]! + (beta === 1 ? expected[at]! : 0);
    }
  }
  const { ratio, index } = worstError(c, expected, 1e-4, 1e-4);
  assert.ok(ratio <= 1, `gemm ${m}×${n}×${k} tA=${transA} tB=${transB} batch=${batch} beta=${beta}: c[${index}] = ${c[index]}, expected ${expected[index]}`);
  assert.is(c[0], expected[0], 'elements before cOffset are untouched');
}

describeBackends('wasm gemm', (test) => {
  test('odd sizes, all transposes, strided operands (edge tiles)', () => {
    for (const [m, n, k] of [[1, 1, 1], [3, 17, 33], [17, 3, 127], [33, 127, 3], [127, 33, 17], [5, 513, 9]] as [number, number, number][])
      for (const tA of [false, true]) for (const tB of [false, true]) checkGemm(m, n, k, tA, tB, 1, 0);
  });
  test('batch 0, 1 and 3; beta 1 accumulates; alpha scales', () => {
    checkGemm(7, 9, 11, false, false, 0, 0);
    checkGemm(7, 9, 11, true, false, 1, 1, 0.5);
    checkGemm(17, 33, 19, false, true, 3, 1, -2);
  });
  test('k = 0 gives beta·C', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    const args: GemmArgs = { transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, beta: 0, a: new Float32Array(0), aOffset: 0, lda: 0, strideA: 0,
      b: new Float32Array(0), bOffset: 0, ldb: 2, strideB: 0, c, cOffset: 0, ldc: 2, strideC: 0, batch: 1 };
    kernel('gemm')({ ...args, beta: 1 });
    assert.equal([...c], [1, 2, 3, 4]);
    kernel('gemm')(args);
    assert.equal([...c], [0, 0, 0, 0]);
  });
  test('a batch sharing one C (strideC 0) accumulates in order', () => {
    checkGemm(9, 10, 7, false, false, 4, 1, 1, true);
    checkGemm(96, 200, 130, true, false, 3, 1, 1, true); // large enough to split across threads
  });
  test('calls large enough to split across threads (rows, columns, batch)', () => {
    checkGemm(513, 33, 257, false, false, 1, 0); // more rows than columns: row slices
    checkGemm(65, 513, 127, true, true, 1, 1); // column slices
    checkGemm(127, 129, 64, false, true, 5, 0); // batch groups
    checkGemm(300, 300, 300, false, false, 1, 1, 0.25); // several k blocks
  });
}, ['wasm', 'wasm-mt']);

function checkConv(g: Conv2dGeometry, label: string): void {
  const x = rand(g.n * g.c * g.h * g.w), w = rand(g.o * g.c * g.kh * g.kw), bias = rand(g.o), gy = rand(g.n * g.o * g.outH * g.outW);
  const y = new Float32Array(gy.length).fill(NaN);
  kernel('conv2dForward')(g, x, w, bias, y);
  let r = worstError(y, referenceConv2d(g, x, w, bias), 1e-4, 1e-4);
  assert.ok(r.ratio <= 1, `${label} forward: y[${r.index}] = ${y[r.index]}`);
  // backward against the js backend, itself checked against the reference in the kernel suites
  const js = findBackend('js')!.kernels;
  const gx = new Float32Array(x.length).fill(NaN), gxJs = new Float32Array(x.length);
  kernel('conv2dBackwardData')(g, gy, w, gx);
  js.conv2dBackwardData!(g, gy, w, gxJs);
  r = worstError(gx, gxJs, 1e-4, 1e-4);
  assert.ok(r.ratio <= 1, `${label} backward data: gx[${r.index}] = ${gx[r.index]} vs ${gxJs[r.index]}`);
  const gw = new Float32Array(w.length).fill(NaN), gwJs = new Float32Array(w.length);
  kernel('conv2dBackwardWeight')(g, x, gy, gw);
  js.conv2dBackwardWeight!(g, x, gy, gwJs);
  r = worstError(gw, gwJs, 1e-4, 1e-4);
  assert.ok(r.ratio <= 1, `${label} backward weight: gw[${r.index}] = ${gw[r.index]} vs ${gwJs[r.index]}`);
}

describeBackends('wasm conv2d', (test) => {
  test('ch13 simple_cnn layers at batch 64 (stride 2, padding 1; images grouped per chunk)', () => {
    for (const [c, hw, o] of [[1, 28, 4], [4, 14, 8], [8, 7, 16], [16, 4, 32], [32, 2, 2]] as [number, number, number][])
      checkConv(conv2dGeometry([64, c, hw, hw], [o, c, 3, 3], { stride: 2, padding: 1 }), `simple_cnn ${c}→${o}`);
  });
  test('stride 1 with padding, 5×5 and 1×1 kernels, stride 3 without padding, non-square', () => {
    checkConv(conv2dGeometry([3, 5, 9, 9], [7, 5, 5, 5], { stride: 1, padding: 2 }), '5×5 pad 2');
    checkConv(conv2dGeometry([2, 6, 5, 7], [3, 6, 1, 1]), '1×1');
    checkConv(conv2dGeometry([2, 3, 10, 8], [4, 3, 3, 2], { stride: [3, 2], padding: [0, 1] }), 'stride 3×2');
    checkConv(conv2dGeometry([1, 2, 3, 3], [2, 2, 3, 3], { padding: 4 }), 'padding wider than the kernel');
  });
  test('batch 1, and a 64→64 3×3 conv big enough for threads', () => {
    checkConv(conv2dGeometry([1, 3, 6, 6], [2, 3, 3, 3], { padding: 1 }), 'batch 1');
    checkConv(conv2dGeometry([6, 32, 12, 12], [32, 32, 3, 3], { padding: 1 }), '32→32');
  });
  test('batch 0', () => {
    const g = conv2dGeometry([0, 2, 4, 4], [3, 2, 3, 3]);
    const gw = new Float32Array(3 * 2 * 9).fill(NaN);
    kernel('conv2dForward')(g, new Float32Array(0), rand(54), null, new Float32Array(0));
    kernel('conv2dBackwardWeight')(g, new Float32Array(0), new Float32Array(0), gw);
    assert.ok(gw.every((v) => v === 0));
  });
}, ['wasm', 'wasm-mt']);
