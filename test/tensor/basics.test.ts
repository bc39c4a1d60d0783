// Creation, dtypes and promotion, views sharing storage, printing, seeded randomness.
import { arange, cat, chunk, eye, full, linspace, manualSeed, oneHot, ones, rand, randint, randn, stack, tensor, zeros, Generator } from 'groundup';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const creation = suite('creation');
creation('tensor() infers shape; numbers give float32, booleans bool, {dtype} overrides', () => {
  const t = tensor([[1, 2], [3, 4]]);
  assert.equal(t.shape, [2, 2]);
  assert.is(t.dtype, 'float32');
  assert.is(tensor([true, false]).dtype, 'bool');
  assert.is(tensor([1, 2], { dtype: 'int32' }).dtype, 'int32');
  assert.equal(tensor([1.7, -1.7], { dtype: 'int32' }).toArray(), [1, -1]);
  assert.equal(tensor(3).shape, []);
  assert.equal(tensor([]).shape, [0]);
});
creation('zeros ones full eye arange linspace', () => {
  assert.equal(zeros(2, 3).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(ones([2], { dtype: 'int32' }).toArray(), [1, 1]);
  assert.equal(full([2], 7).toArray(), [7, 7]);
  assert.equal(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.is(arange(5).dtype, 'int32');
  assert.equal(arange(1, 10, 3).toArray(), [1, 4, 7]);
  assert.is(arange(0, 1, 0.25).dtype, 'float32');
  assert.equal(arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.equal(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
});
creation('stack, cat, chunk, oneHot', () => {
  const a = tensor([1, 2]), b = tensor([3, 4]);
  assert.equal(stack([a, b]).toArray(), [[1, 2], [3, 4]]);
  assert.equal(stack([a, b], 1).toArray(), [[1, 3], [2, 4]]);
  assert.equal(cat([a.view(1, 2), b.view(1, 2)], 1).toArray(), [[1, 2, 3, 4]]);
  assert.equal(chunk(arange(5), 3).map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
  assert.equal(oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray(), [[1, 0, 0], [0, 0, 1]]);
});
creation('manualSeed makes rand/randn/randint repeatable; a Generator is independent', () => {
  manualSeed(42);
  const x = randn(5).toArray(), y = rand(3).toArray(), z = randint(0, 10, [4]).toArray();
  manualSeed(42);
  assert.equal(randn(5).toArray(), x);
  assert.equal(rand(3).toArray(), y);
  assert.equal(randint(0, 10, [4]).toArray(), z);
  const g = new Generator(7);
  const u = randn([3], { generator: g }).toArray();
  assert.equal(randn([3], { generator: new Generator(7) }).toArray(), u);
  for (const v of rand(1000).toFlatArray() as number[]) assert.ok(v >= 0 && v < 1);
  for (const v of randint(-3, 3, [1000]).toFlatArray() as number[]) assert.ok(Number.isInteger(v) && v >= -3 && v < 3);
});
creation('normal_, uniform_ and bernoulli_ fill in place with the right statistics', () => {
  manualSeed(0);
  const n = zeros(20000).normal_(2, 3);
  assert.ok(Math.abs(n.mean().item() - 2) < 0.1 && Math.abs(n.std().item() - 3) < 0.1);
  const u = zeros(20000).uniform_(-1, 1);
  assert.ok(u.min().item() >= -1 && u.max().item() < 1 && Math.abs(u.mean().item()) < 0.05);
  const b = zeros(20000).bernoulli_(0.3);
  assert.ok(Math.abs(b.mean().item() - 0.3) < 0.02);
});
creation.run();

const dtypes = suite('dtypes and promotion');
dtypes('int tensor times a float scalar gives float; times an int scalar stays int', () => {
  const i = arange(3);
  assert.is(i.mul(1.5).dtype, 'float32');
  assert.is(i.mul(2).dtype, 'int32');
  assert.is(i.div(2).dtype, 'float32');
  assert.is(i.add(randn(3)).dtype, 'float32');
  assert.is(randn(3).add(randn([3], { dtype: 'float64' })).dtype, 'float64');
  assert.is(randn(3).add(tensor(2, { dtype: 'float64' })).dtype, 'float32', 'a 0-d tensor does not widen a dimensioned one');
  assert.is(tensor([true]).add(1).dtype, 'int32');
});
dtypes('comparisons give bool; .float() .double() .int() .bool() convert', () => {
  const x = tensor([-1.5, 0, 2.5]);
  assert.is(x.gt(0).dtype, 'bool');
  assert.equal(x.gt(0).float().toArray(), [0, 0, 1]);
  assert.equal(x.int().toArray(), [-1, 0, 2]);
  assert.equal(x.bool().toArray(), [true, false, true]);
  assert.is(x.double().dtype, 'float64');
  assert.is(x.type(), 'torch.FloatTensor');
});
dtypes.run();

const views = suite('views share storage');
views('view, transpose, slicing and expand make no copy; contiguous copies only when needed', () => {
  const x = arange(12).float().view(3, 4);
  for (const v of [x.view(4, 3), x.t(), x.at(':', '1:3'), x.at(1), x.unsqueeze(0), x.at(null, '...'), x.narrow(1, 1, 2), x.at(0).expand(5, 4)])
    assert.ok(v.dataPtrEquals(x));
  assert.ok(x.contiguous() === x);
  assert.ok(!x.t().contiguous().dataPtrEquals(x));
  x.at(1).fill_(0);
  assert.equal(x.at(1).toArray(), [0, 0, 0, 0]);
});
views('reshape copies only when a view is impossible; slices with steps and negatives', () => {
  const x = arange(24).view(2, 3, 4);
  assert.ok(x.permute(0, 2, 1).reshape(2, 12).dataPtrEquals(x) === false);
  assert.ok(x.reshape(6, 4).dataPtrEquals(x));
  assert.equal(arange(10).at('::3').toArray(), [0, 3, 6, 9]);
  assert.equal(arange(10).at('-3:').toArray(), [7, 8, 9]);
  assert.equal(arange(10).at(':-7').toArray(), [0, 1, 2]);
  assert.equal(arange(10).at('2:8:2').stride(), [2]);
});
views('setAt writes scalars, rows and broadcast tensors; paired int indexing reads and writes', () => {
  const x = zeros(3, 4);
  x.setAt([0, 1], 5);
  x.setAt(1, tensor([1, 2, 3, 4]));
  x.setAt([':', 3], 9);
  assert.equal(x.toArray(), [[0, 5, 0, 9], [1, 2, 3, 9], [0, 0, 0, 9]]);
  const rows = arange(3), targ = tensor([1, 0, 3], { dtype: 'int32' });
  assert.equal(x.at(rows, targ).toArray(), [5, 1, 9]);
  x.setAt([rows, targ], -1);
  assert.equal(x.at(rows, targ).toArray(), [-1, -1, -1]);
});
views.run();

const printing = suite('printing like PyTorch');
printing('floats, ints, bools, 0-d, float64, empty', () => {
  assert.is(tensor([[1, 2], [3, 4]]).toString(), 'tensor([[1., 2.],\n        [3., 4.]])');
  assert.is(tensor([0.5, -1.25]).toString(), 'tensor([ 0.5000, -1.2500])');
  assert.is(arange(3).toString(), 'tensor([0, 1, 2])');
  assert.is(tensor([true, false]).toString(), 'tensor([ True, False])');
  assert.is(tensor(3.5).toString(), 'tensor(3.5000)');
  assert.is(tensor([1, 2], { dtype: 'float64' }).toString(), 'tensor([1., 2.], dtype=torch.float64)');
  assert.is(tensor([1e-5, 1, 1000]).toString(), 'tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])');
  assert.is(zeros(0).toString(), 'tensor([])');
  assert.is(zeros(0, 3).toString(), 'tensor([], size=(0, 3))');
});
printing('summarises past 1000 elements with 3 edge items', () => {
  const s = arange(2000).toString();
  assert.is(s, 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])');
  const m = arange(40 * 40).view(40, 40).float().toString().split('\n');
  // PyTorch 1.13 prints exactly this for torch.arange(1600.).view(40, 40): sci mode, wrapped rows.
  assert.is(m.length, 13);
  assert.is(m[0], 'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 3.7000e+01, 3.8000e+01,');
  assert.is(m[6]!.trim(), '...,');
  assert.is(m[12], '         1.5990e+03]])');
});
printing.run();
