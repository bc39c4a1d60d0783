// AccumulateGrad as PyTorch does it: .grad is added into in place (the same tensor object keeps
// accumulating), a gradient buffer backward made and handed to one leaf becomes that leaf's .grad
// without a copy, and nothing the caller or a hook holds is ever written. A weight used as w.t()
// (Linear) gets a contiguous gradient.
import { matmul, randn, tensor, Generator, type Tensor } from '@groundup/tensor';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const gen = new Generator(5);
const leaf = (...shape: number[]): Tensor => randn(shape, { generator: gen }).requiresGrad_();

test('.grad accumulates into the same tensor', () => {
  const w = leaf(3, 2);
  w.mul(2).sum().backward();
  const g1 = w.grad!;
  assert.equal(g1.toFlatArray(), [2, 2, 2, 2, 2, 2]);
  w.mul(3).sum().backward();
  assert.is(w.grad, g1);
  assert.equal(g1.toFlatArray(), [5, 5, 5, 5, 5, 5]);
});

test('a gradient passed through to two leaves is not shared between them', () => {
  const x = leaf(4), y = leaf(4);
  x.add(y).sum().backward();
  assert.ok(x.grad!.storage !== y.grad!.storage);
  x.grad!.add_(1);
  assert.equal(y.grad!.toFlatArray(), [1, 1, 1, 1]);
});

test('the gradient given to backward() is never taken or written', () => {
  const x = leaf(3);
  const seed = tensor([1, 2, 3]);
  x.add(0).backward(seed);
  assert.ok(x.grad !== seed && x.grad!.storage !== seed.storage);
  x.mul(1).backward(seed);
  assert.equal(seed.toFlatArray(), [1, 2, 3]);
  assert.equal(x.grad!.toFlatArray(), [2, 4, 6]);
  const y = leaf(3);
  y.backward(seed);
  assert.ok(y.grad!.storage !== seed.storage);
});

test('a gradient a hook has seen is not written afterwards', () => {
  const x = leaf(2);
  const seen: Tensor[] = [];
  x.registerHook((g) => { seen.push(g); });
  x.mul(2).sum().backward();
  x.mul(2).sum().backward();
  assert.equal(seen[0]!.toFlatArray(), [2, 2]);
  assert.equal(x.grad!.toFlatArray(), [4, 4]);
  const h = leaf(2);
  const mid = h.mul(3);
  const kept: Tensor[] = [];
  mid.registerHook((g) => { kept.push(g); });
  mid.sum().backward();
  h.mul(3).sum().backward();
  assert.equal(kept[0]!.toFlatArray(), [1, 1]);
});

test('a Linear-style weight used as w.t() gets a contiguous .grad equal to xᵀ·g', () => {
  const x = randn([5, 4], { generator: gen }), w = leaf(3, 4);
  const y = matmul(x, w.t());
  const g = randn([5, 3], { generator: gen });
  y.backward(g);
  assert.ok(w.grad!.isContiguous());
  assert.ok(w.grad!.allclose(matmul(g.t(), x), 1e-5, 1e-5));
  const a = leaf(4, 5);
  matmul(a.t(), w.t()).backward(g);
  assert.ok(a.grad!.isContiguous());
  assert.ok(a.grad!.allclose(matmul(w.t(), g.t()), 1e-5, 1e-5));
});

test.run();
