// gradcheck (central differences, float64) of the ops behind nn's F (defined in @groundup/tensor):
// the pools (distinct values, so no max ties), BatchNorm in training (input, weight and bias; the
// statistics depend on the input) and eval, the embedding lookup, dropout with a fixed mask,
// softplus, and the fused cross-entropy and nll.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, gradcheck, randn, tensor, type Tensor } from 'groundup';
import { BatchNorm1d, BatchNorm2d, F } from '@groundup/nn';

const gen = new Generator(77);
const f64 = { dtype: 'float64' as const, generator: gen };
const R = (...shape: number[]): Tensor => randn(shape, f64).requiresGrad_();
/** Evenly spaced distinct values in random order: no ties for max. */
function distinct(...shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return randn([n], f64).argsort(0).double().sub((n - 1) / 2).mul(0.1).reshape(shape).contiguous().requiresGrad_();
}

const pool = suite('nn: gradcheck pools');
pool('maxPool2d: plain, strided with padding, ceil mode, rectangular', () => {
  assert.ok(gradcheck((x) => F.maxPool2d(x, 2), [distinct(2, 2, 4, 4)]));
  assert.ok(gradcheck((x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), [distinct(1, 2, 5, 5)]));
  assert.ok(gradcheck((x) => F.maxPool2d(x, 2, { ceilMode: true }), [distinct(1, 1, 5, 3)]));
  assert.ok(gradcheck((x) => F.maxPool2d(x, [2, 3], { stride: [1, 2] }), [distinct(3, 4, 5)]));
});
pool('avgPool2d: padding counted or not, ceil mode, divisor override', () => {
  assert.ok(gradcheck((x) => F.avgPool2d(x, 2), [R(2, 2, 4, 4)]));
  assert.ok(gradcheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), [R(1, 2, 5, 5)]));
  assert.ok(gradcheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [R(1, 1, 6, 6)]));
  assert.ok(gradcheck((x) => F.avgPool2d(x, 2, { divisorOverride: 3 }), [R(1, 1, 4, 4)]));
});
pool('adaptive pools', () => {
  assert.ok(gradcheck((x) => F.adaptiveAvgPool2d(x, [3, 2]), [R(1, 2, 7, 5)]));
  assert.ok(gradcheck((x) => F.adaptiveAvgPool2d(x, 1), [R(2, 3, 3, 3)]));
  assert.ok(gradcheck((x) => F.adaptiveMaxPool2d(x, [2, 3]), [distinct(1, 2, 5, 7)]));
});
pool.run();

const bn = suite('nn: gradcheck batch norm');
bn('training: input, weight and bias, over [N,C,H,W], [N,C,L] and [N,C]', () => {
  for (const shape of [[3, 2, 3, 3], [4, 3, 5], [6, 4]]) {
    const C = shape[1]!;
    const w = R(C), b = R(C);
    assert.ok(gradcheck((x, ww, bb) => F.batchNorm(x, null, null, ww, bb, { training: true }), [R(...shape).mul(2).add(1).detach().requiresGrad_(), w, b]), `[${shape}]`);
  }
});
bn('eval with running stats; no affine; through the modules', () => {
  const rm = randn([3], f64), rv = randn([3], f64).abs().add(0.5);
  assert.ok(gradcheck((x, w, b) => F.batchNorm(x, rm, rv, w, b), [R(2, 3, 2, 2), R(3), R(3)]));
  assert.ok(gradcheck((x) => F.batchNorm(x, null, null, null, null, { training: true }), [R(4, 2, 3)]));
  const m2 = new BatchNorm2d(2).double();
  assert.ok(gradcheck((x) => m2.call(x), [R(3, 2, 2, 2)]));
  const m1 = new BatchNorm1d(3, { affine: false }).double().eval();
  assert.ok(gradcheck((x) => m1.call(x), [R(2, 3)]));
});
bn.run();

const misc = suite('nn: gradcheck embedding, dropout, linear');
misc('embedding (repeated indices add up; the padding row gets none)', () => {
  const idx = tensor([[0, 2, 2], [3, 0, 1]], { dtype: 'int32' });
  assert.ok(gradcheck((w) => F.embedding(idx, w), [R(4, 3)]));
  // The padding row gets no gradient by design (so no gradcheck); the others get the usual one.
  const w = R(4, 3), w2 = w.detach().clone().requiresGrad_(), g = randn([2, 3, 3], f64);
  F.embedding(idx, w, { paddingIdx: 2 }).backward(g);
  F.embedding(idx, w2).backward(g);
  assert.is(w.grad!.at(2).abs().sum().item(), 0);
  assert.ok(w.grad!.at([0, 1, 3]).allclose(w2.grad!.at([0, 1, 3])));
});
misc('dropout with a fixed mask, and linear', () => {
  assert.ok(gradcheck((x) => F.dropout(x, 0.4, { generator: new Generator(3) }), [R(3, 4)]));
  assert.ok(gradcheck((x, w, b) => F.linear(x, w, b), [R(2, 3, 4), R(5, 4), R(5)]));
});
misc.run();

const loss = suite('nn: gradcheck the fused cross-entropy and nll');
loss('every reduction, class weights, ignoreIndex, label smoothing, [N,C,d] and strided logits', () => {
  const t = tensor([2, 0, 1, 2, -100], { dtype: 'int32' }), wcls = randn([3], f64).abs().add(0.5);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    assert.ok(gradcheck((x) => F.crossEntropy(x, t, { reduction }), [R(5, 3)]), reduction);
    assert.ok(gradcheck((x) => F.crossEntropy(x, t, { reduction, weight: wcls, labelSmoothing: 0.2 }), [R(5, 3)]), `${reduction} weighted, smoothed`);
    assert.ok(gradcheck((x) => F.nllLoss(x, t, { reduction, weight: wcls }), [R(5, 3)]), `nll ${reduction}`);
  }
  assert.ok(gradcheck((x) => F.crossEntropy(x.t(), t), [R(3, 5)]), 'transposed logits');
  const tk = tensor([[0, 2, 1, 1], [2, 2, 0, -100]], { dtype: 'int32' });
  assert.ok(gradcheck((x) => F.crossEntropy(x, tk, { labelSmoothing: 0.1 }), [R(2, 3, 4)]), '[N,C,d]');
  assert.ok(gradcheck((x) => F.crossEntropy(x, tensor(1, { dtype: 'int32' })), [R(4)]), '[C]');
});
loss.run();
