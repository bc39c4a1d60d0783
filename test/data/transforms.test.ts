// Transforms: toFloat, flatten, normalize per channel over [N,C,H,W], [N,F] and [C,H,W].
import { DataError, DTypeError, ShapeError } from '@groundup/kernels';
import { arange, randn, manualSeed, tensor } from '@groundup/tensor';
import { flatten, normalize, toFloat } from '@groundup/data';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const near = (got: number[], want: number[], tol = 1e-6): void =>
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `[${i}] ${v} vs ${want[i]}`));
const s = suite('data transforms');

s('toFloat: 0..255 → 0..1 float32 (or float64), from a tensor or raw bytes', () => {
  const t = toFloat(tensor([0, 51, 255], { dtype: 'int32' }));
  assert.is(t.dtype, 'float32');
  near(t.toFlatArray() as number[], [0, 0.2, 1]);
  assert.is(toFloat(tensor([255]), { dtype: 'float64' }).dtype, 'float64');
  const raw = toFloat({ data: Uint8Array.from([0, 255, 51, 102]), dims: [2, 2] });
  assert.equal(raw.shape, [2, 2]);
  near(raw.toFlatArray() as number[], [0, 1, 0.2, 0.4]);
  near(toFloat(tensor([8, 16]), { scale: 16 }).toFlatArray() as number[], [0.5, 1]);
  throwsNamed(() => toFloat({ data: new Uint8Array(3), dims: [2, 2] }), ShapeError, 'dims [2,2] need 4 values, got 3');
  throwsNamed(() => toFloat(tensor([true])), DTypeError, 'bool');
  throwsNamed(() => toFloat(tensor([1]), { scale: 0 }), DataError, 'scale');
});

s('flatten keeps the batch dim: [N,1,28,28] → [N,784]', () => {
  assert.equal(flatten(randn(5, 1, 28, 28)).shape, [5, 784]);
  assert.equal(flatten(randn(5, 3)).shape, [5, 3]);
  assert.equal(flatten(randn(2, 3, 4, 5), 2).shape, [2, 3, 20]);
});

s('normalize [N,C,H,W] per channel; batch statistics give mean 0 and std 1 per channel', () => {
  const x = arange(2 * 3 * 2 * 2).float().reshape(2, 3, 2, 2);
  const y = normalize(x, [1, 2, 3], [1, 2, 4]);
  assert.equal(y.at(0, 1).toFlatArray(), [1, 1.5, 2, 2.5]);
  assert.equal(y.at(1, 2).toFlatArray(), [(20 - 3) / 4, (21 - 3) / 4, (22 - 3) / 4, (23 - 3) / 4]);
  manualSeed(0);
  const b = randn(64, 3, 8, 8).mul(tensor([2, 5, 0.5]).reshape(3, 1, 1)).add(tensor([1, -3, 10]).reshape(3, 1, 1));
  const z = normalize(b, b.mean([0, 2, 3]), b.std([0, 2, 3]));
  near(z.mean([0, 2, 3]).toFlatArray() as number[], [0, 0, 0], 1e-5);
  near(z.std([0, 2, 3]).toFlatArray() as number[], [1, 1, 1], 1e-5);
});

s('normalize [N,F] per feature, [C,H,W] per channel, a scalar everywhere; ints become float', () => {
  const f = normalize(tensor([[1, 10], [3, 30]], { dtype: 'float64' }), [2, 20], [1, 10]);
  assert.equal([f.dtype, f.toArray()], ['float64', [[-1, -1], [1, 1]]]);
  const chw = normalize(arange(8).float().reshape(2, 2, 2), [0, 4], [1, 2]);
  assert.equal(chw.toFlatArray(), [0, 1, 2, 3, 0, 0.5, 1, 1.5]);
  const sc = normalize(arange(4), 0.5, 0.5);
  assert.is(sc.dtype, 'float32');
  assert.equal(sc.toFlatArray(), [-1, 1, 3, 5]);
  const byDim = normalize(arange(6).float().reshape(2, 3), [0, 1], [1, 1], { dim: 0 });
  assert.equal(byDim.toArray(), [[0, 1, 2], [2, 3, 4]]);
});

s('normalize refuses mismatched stats and a zero std', () => {
  throwsNamed(() => normalize(randn(2, 3, 4, 4), [0.5, 0.5], [1, 1, 1]), ShapeError, 'mean has 2 values but dim 1 of [2,3,4,4] has 3 channels');
  throwsNamed(() => normalize(randn(2, 3), 0, [1, 0, 1]), DataError, 'std must be positive', 'value 1 is 0');
  throwsNamed(() => normalize(randn(2, 3), 0, 1, { dim: 5 }), ShapeError, 'dim 5 is out of range');
});

s.run();
