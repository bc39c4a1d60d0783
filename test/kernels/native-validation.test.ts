// The addon checks every argument in C++ before a kernel runs: a wrong length or array type
// throws a named JS error (ShapeError, DTypeError) and never reads or writes out of bounds.
import { BackendError, conv2dGeometry, DTypeError, findBackend, ShapeError, type GemmArgs } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { nativeAddon } from '../../packages/kernels/src/native/addon.ts';
import { throwsNamed } from '../helpers/assert.ts';

const test = suite('native validation');
const native = findBackend('native');
const av = native ? native.available() : { ok: false as const, reason: 'not registered' };

const gemmArgs = (over: Partial<GemmArgs<Float32Array>> = {}): GemmArgs<Float32Array> => ({
  transA: false, transB: false, m: 4, n: 5, k: 3, alpha: 1, beta: 0,
  a: new Float32Array(12), aOffset: 0, lda: 3, strideA: 0,
  b: new Float32Array(15), bOffset: 0, ldb: 5, strideB: 0,
  c: new Float32Array(20), cOffset: 0, ldc: 5, strideC: 0, batch: 1, ...over,
});

if (!av.ok) {
  skip(test, 'native validation', `native unavailable: ${av.reason}`);
} else {
  const k = native!.kernels;
  const gemm = k.gemm!;

  test('gemm: a correct call passes', () => { gemm(gemmArgs()); });

  test('gemm: short operands throw ShapeError naming the array and the need', () => {
    throwsNamed(() => gemm(gemmArgs({ a: new Float32Array(11) })), ShapeError, 'native gemm: a has 11 elements but 12 are needed');
    throwsNamed(() => gemm(gemmArgs({ b: new Float32Array(14) })), ShapeError, 'b has 14 elements');
    throwsNamed(() => gemm(gemmArgs({ c: new Float32Array(19) })), ShapeError, 'c has 19 elements');
    throwsNamed(() => gemm(gemmArgs({ cOffset: 1 })), ShapeError, 'c has 20 elements but 21');
    throwsNamed(() => gemm(gemmArgs({ transA: true })), ShapeError, 'lda (≥ m when transA)');
    throwsNamed(() => gemm(gemmArgs({ batch: 2, strideA: 12 })), ShapeError, 'a has 12 elements but 24');
    throwsNamed(() => gemm(gemmArgs({ aOffset: 2 ** 40 })), ShapeError, 'a has 12 elements');
    throwsNamed(() => gemm(gemmArgs({ c: new Float32Array(20).subarray(1) })), ShapeError, 'c has 19 elements');
  });

  test('gemm: bad scalars throw ShapeError', () => {
    throwsNamed(() => gemm(gemmArgs({ m: -1 })), ShapeError, 'm must be an integer ≥ 0, got -1');
    throwsNamed(() => gemm(gemmArgs({ k: 2.5 })), ShapeError, 'k must be an integer');
    throwsNamed(() => gemm(gemmArgs({ n: NaN })), ShapeError, 'n must be an integer');
    throwsNamed(() => gemm(gemmArgs({ beta: 2 as 0 })), ShapeError, 'beta must be 0 or 1');
    throwsNamed(() => gemm(gemmArgs({ ldc: 4 })), ShapeError, 'ldc (≥ n)');
    throwsNamed(() => gemm(gemmArgs({ strideB: -5 })), ShapeError, 'strideB');
  });

  test('gemm: wrong array types throw DTypeError', () => {
    const f64 = new Float64Array(20);
    throwsNamed(() => gemm(gemmArgs({ a: f64 as unknown as Float32Array })), DTypeError, 'a must be a Float32Array');
    throwsNamed(() => gemm(gemmArgs({ c: [1, 2] as unknown as Float32Array })), DTypeError, 'c must be a Float32Array');
    throwsNamed(() => k.gemmF64!(gemmArgs() as unknown as GemmArgs<Float64Array>), DTypeError, 'native gemmF64: a must be a Float64Array');
  });

  test('gemm: an empty problem touches nothing, even with empty arrays', () => {
    const e = new Float32Array(0);
    gemm(gemmArgs({ m: 0, a: e, b: e, c: e }));
    gemm(gemmArgs({ batch: 0, a: e, b: e, c: e }));
    const c = new Float32Array(20).fill(3);
    gemm(gemmArgs({ k: 0, a: e, b: e, lda: 0, ldb: 5, c, beta: 1 }));
    assert.ok(c.every((v) => v === 3));
    gemm(gemmArgs({ k: 0, a: e, b: e, lda: 0, c }));
    assert.ok(c.every((v) => v === 0));
  });

  test('conv2d: short arrays and inconsistent geometry throw ShapeError', () => {
    const g = conv2dGeometry([2, 3, 8, 8], [4, 3, 3, 3], { padding: 1 });
    const x = new Float32Array(2 * 3 * 64), w = new Float32Array(4 * 27), out = new Float32Array(2 * 4 * 64);
    k.conv2dForward!(g, x, w, null, out);
    throwsNamed(() => k.conv2dForward!(g, x.subarray(1), w, null, out), ShapeError, 'input has 383 elements but 384 are needed (n·c·h·w)');
    throwsNamed(() => k.conv2dForward!(g, x, w.subarray(3), null, out), ShapeError, 'weight has 105');
    throwsNamed(() => k.conv2dForward!(g, x, w, new Float32Array(3), out), ShapeError, 'bias has 3 elements but 4');
    throwsNamed(() => k.conv2dForward!(g, x, w, null, out.subarray(5)), ShapeError, 'out has');
    throwsNamed(() => k.conv2dForward!({ ...g, outH: 9 }, x, w, null, out), ShapeError, 'does not follow from the geometry');
    throwsNamed(() => k.conv2dForward!({ ...g, strideH: 0 }, x, w, null, out), ShapeError, 'strideH must be an integer ≥ 1');
    throwsNamed(() => k.conv2dBackwardData!(g, out, w, x.subarray(2)), ShapeError, 'conv2dBackwardData: gradInput has 382');
    throwsNamed(() => k.conv2dBackwardWeight!(g, x, out.subarray(1), w), ShapeError, 'conv2dBackwardWeight: gradOut has');
    throwsNamed(() => k.im2col!(g, x.subarray(0, 10), new Float32Array(27 * 64)), ShapeError, 'native im2col: image has 10');
    throwsNamed(() => k.col2im!(g, new Float32Array(27 * 63), x), ShapeError, 'native col2im: cols has');
  });

  test('conv2d: wrong array types throw DTypeError', () => {
    const g = conv2dGeometry([1, 1, 4, 4], [1, 1, 3, 3], {});
    const f64 = new Float64Array(16) as unknown as Float32Array;
    throwsNamed(() => k.conv2dForward!(g, f64, new Float32Array(9), null, new Float32Array(4)), DTypeError, 'input must be a Float32Array');
    throwsNamed(() => k.conv2dForward!(g, new Float32Array(16), new Float32Array(9), new Int32Array(1) as unknown as Float32Array, new Float32Array(4)), DTypeError, 'bias must be a Float32Array');
  });

  test('the raw binding: a missing params block is a DTypeError, setThreads checks its range', () => {
    const addon = nativeAddon()!;
    assert.throws(() => addon.gemm(new Float32Array(1), new Float32Array(1), new Float32Array(1), undefined as unknown as Float64Array), /params must be a Float64Array/);
    assert.throws(() => addon.gemm(new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float64Array(3)), /params has 3 entries, expected 17/);
    assert.throws(() => addon.setThreads(0), /integer in \[1, 64\]/);
  });

  test('errors keep the backend usable', () => {
    throwsNamed(() => gemm(gemmArgs({ a: new Float32Array(1) })), ShapeError);
    const c = new Float32Array(20);
    gemm(gemmArgs({ a: new Float32Array(12).fill(1), b: new Float32Array(15).fill(2), c }));
    assert.ok(c.every((v) => v === 6));
    assert.ok(!(new ShapeError('x') instanceof BackendError));
  });
}

test.run();
