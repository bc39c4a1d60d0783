// Losses against PyTorch (every loss, every reduction, class weights, ignoreIndex, label
// smoothing, probability targets, K-dim inputs, posWeight; the backward of output.sum()), the
// ch5 deterministic vectors, the cross-entropy gradient identity (softmax − onehot)/bs, the loss
// modules, and the errors for wrong shapes, dtypes and targets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { arange, gradcheck, oneHot, randint, randn, tensor, DTypeError, IndexError, ShapeError, type Tensor } from 'groundup';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, F, L1Loss, MSELoss, NLLLoss } from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';
import { close, dec, readFixture, type TensorJson } from './helpers/fixtures.ts';

interface LossCase {
  name: string; fn: string; opts: Record<string, unknown>; input: TensorJson; target: TensorJson;
  output: TensorJson; gradInput: TensorJson; gradTarget?: TensorJson;
}
const fx = readFixture<{ losses: LossCase[] }>('nn.json');
type LossFn = (input: Tensor, target: Tensor, opts: Record<string, unknown>) => Tensor;
const FNS: Record<string, LossFn> = {
  mseLoss: F.mseLoss, l1Loss: F.l1Loss, nllLoss: F.nllLoss, crossEntropy: F.crossEntropy,
  binaryCrossEntropy: F.binaryCrossEntropy, binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits,
};
const decodeOpts = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'shape' in v ? dec(v as TensorJson) : v]));

const parity = suite('nn: losses vs PyTorch');
for (const c of fx.losses) {
  parity(c.name, () => {
    const x = dec(c.input).requiresGrad_();
    const t = dec(c.target);
    if (c.gradTarget) t.requiresGrad_();
    const out = FNS[c.fn]!(x, t, decodeOpts(c.opts));
    close(out, c.output, 'loss');
    out.sum().backward();
    close(x.grad, c.gradInput, 'input gradient');
    if (c.gradTarget) close(t.grad, c.gradTarget, 'target gradient');
  });
}
parity.run();

// ---------------------------------------------------------------- ch5
const ch5 = suite('nn: ch5 softmax, nll and cross entropy vectors');
const acts = tensor([[0.6734, 0.2576], [0.4689, 0.4607], [-2.2457, -0.3727], [4.4164, -1.2760], [0.9233, 0.5347], [1.0698, 1.6187]]);
const targ = tensor([0, 1, 0, 1, 1, 0], { dtype: 'int32' });
const near = (t: Tensor, want: number[], tol = 1e-4): void => {
  const got = Array.from(t.dataSync());
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= tol, `element ${i}: ${got[i]} vs ${w}`));
};

ch5('softmax, picked values, nll without log, per-item and mean cross entropy', () => {
  const sm = F.softmax(acts, 1);
  near(sm.at(':', 0), [0.6025, 0.5021, 0.1332, 0.9966, 0.5959, 0.3661]);
  near(F.sigmoid(acts.at(':', 0).sub(acts.at(':', 1))), Array.from(sm.at(':', 0).dataSync()), 1e-6);
  near(sm.at(arange(6), targ), [0.6025, 0.4979, 0.1332, 0.0034, 0.4041, 0.3661]);
  near(F.nllLoss(sm, targ, { reduction: 'none' }), [-0.6025, -0.4979, -0.1332, -0.0034, -0.4041, -0.3661]);
  near(F.crossEntropy(acts, targ, { reduction: 'none' }), [0.5067, 0.6973, 2.0160, 5.6958, 0.9062, 1.0048]);
  near(F.crossEntropy(acts, targ), [1.8045]);
  near(new CrossEntropyLoss().call(acts, targ), [1.8045]);
  near(F.nllLoss(F.logSoftmax(acts, 1), targ), [1.8045]);
});

ch5('the gradient of mean cross entropy is (softmax − onehot)/bs, exactly', () => {
  for (const [bs, c] of [[6, 2], [17, 10], [3, 5]] as const) {
    const x = (bs === 6 ? acts : randn(bs, c).mul(4)).double().requiresGrad_();
    const y = bs === 6 ? targ : randint(0, c, [bs]);
    F.crossEntropy(x, y).backward();
    const want = F.softmax(x.detach(), 1).sub(oneHot(y, c).double()).div(bs);
    assert.ok(x.grad!.allclose(want, 1e-12, 1e-14), `bs ${bs}`);
  }
});

ch5('cross entropy is stable for huge logits', () => {
  const x = tensor([[1000, 0, -1000], [-5000, 5000, 0]]).requiresGrad_();
  const l = F.crossEntropy(x, tensor([0, 0], { dtype: 'int32' }));
  near(l, [5000], 1e-3);
  l.backward();
  assert.ok(x.grad!.isfinite().all().item() === 1);
  near(F.binaryCrossEntropyWithLogits(tensor([100, -100]), tensor([0, 1]), { reduction: 'none' }), [100, 100], 1e-4);
});

// ---------------------------------------------------------------- modules and gradchecks
const mods = suite('nn: loss modules and gradcheck');

mods('each module equals its function, with its options; weights are buffers', () => {
  const x = randn(4, 3), p = x.sigmoid(), t = randn(4, 3), b = t.gt(0).float(), y = randint(0, 3, [4]);
  const w = tensor([1, 2, 0.5]);
  assert.ok(new MSELoss({ reduction: 'sum' }).call(x, t).allclose(F.mseLoss(x, t, { reduction: 'sum' })));
  assert.ok(new L1Loss().call(x, t).allclose(F.l1Loss(x, t)));
  assert.ok(new NLLLoss({ weight: w }).call(x.logSoftmax(1), y).allclose(F.nllLoss(x.logSoftmax(1), y, { weight: w })));
  assert.ok(new CrossEntropyLoss({ labelSmoothing: 0.1, reduction: 'none' }).call(x, y).allclose(F.crossEntropy(x, y, { labelSmoothing: 0.1, reduction: 'none' })));
  assert.ok(new BCELoss().call(p, b).allclose(F.binaryCrossEntropy(p, b)));
  const bl = new BCEWithLogitsLoss({ posWeight: w });
  assert.ok(bl.call(x, b).allclose(F.binaryCrossEntropyWithLogits(x, b, { posWeight: w })));
  assert.equal(Object.keys(bl.stateDict()), ['pos_weight']);
  assert.is(String(new CrossEntropyLoss()), 'CrossEntropyLoss()');
  throwsNamed(() => new MSELoss({ reduction: 'avg' as 'mean' }), RangeError, "'mean', 'sum' or 'none'");
});

mods('gradcheck in float64: every loss, with options', () => {
  const x = randn([4, 3], { dtype: 'float64' }).requiresGrad_();
  const t = randn([4, 3], { dtype: 'float64' }), y = tensor([2, 0, 1, 1], { dtype: 'int32' });
  const p = randn([4, 3], { dtype: 'float64' }).sigmoid().mul(0.9).add(0.05).detach().requiresGrad_();
  const w = tensor([0.5, 2, 1], { dtype: 'float64' });
  assert.ok(gradcheck((a) => F.mseLoss(a, t), [x]));
  assert.ok(gradcheck((a) => F.crossEntropy(a, y, { weight: w, labelSmoothing: 0.2 }), [x]));
  assert.ok(gradcheck((a) => F.crossEntropy(a, y, { ignoreIndex: 0, reduction: 'sum' }), [x]));
  assert.ok(gradcheck((a) => F.crossEntropy(a, t.softmax(1)), [x]));
  assert.ok(gradcheck((a) => F.binaryCrossEntropy(a, t.gt(0).double(), { reduction: 'none' }), [p]));
  assert.ok(gradcheck((a) => F.binaryCrossEntropyWithLogits(a, t.sigmoid(), { posWeight: w }), [x]));
  assert.ok(gradcheck((a) => F.softplus(a, { beta: 2 }), [x]));
});

// ---------------------------------------------------------------- errors
const errs = suite('nn: loss errors');

errs('shapes must match where PyTorch would only warn ([n, 1] vs [n])', () => {
  throwsNamed(() => F.mseLoss(randn(5, 1), randn(5)), ShapeError, 'mseLoss', '[5, 1]', '[5]', 'same number of values');
  throwsNamed(() => F.binaryCrossEntropyWithLogits(randn(3), randn(4)), ShapeError, 'same shape');
});

errs('class-index targets: dtype, shape and range are checked', () => {
  // Float labels (JS numbers become float32) are class indices given in the wrong dtype, not probabilities.
  throwsNamed(() => F.crossEntropy(randn(3, 4), tensor([0, 1, 2])), DTypeError, 'class-index targets must be an int32', "tensor(labels, { dtype: 'int32' })");
  throwsNamed(() => F.crossEntropy(randn(3, 4), tensor([[0, 1], [2, 0]])), DTypeError, 'int32');
  throwsNamed(() => F.nllLoss(randn(3, 4), tensor([0, 1, 2])), DTypeError, 'int32', '.long()');
  throwsNamed(() => F.crossEntropy(randn(3, 4), tensor([0, 4, 1], { dtype: 'int32' })), IndexError, 'target 4', 'item 1', '4 classes');
  throwsNamed(() => F.crossEntropy(randn(3, 4), tensor([0, 1], { dtype: 'int32' })), ShapeError, 'target must have shape [3]');
  throwsNamed(() => F.crossEntropy(randn(3, 4), tensor([0, 1, 2], { dtype: 'int32' }), { weight: tensor([1, 2]) }), ShapeError, 'weight', '[4]');
});

errs('a batch of pure padding (every target ignored) gives a zero gradient, not NaN', () => {
  // The reproducer of issue 16; PyTorch 1.13 gives the mean as 0/0 = NaN and the gradient 0 (nn.json has its numbers).
  const x = tensor([[0.1, 0.2, 0.3]], { dtype: 'float64' }).requiresGrad_();
  F.crossEntropy(x, tensor([-100], { dtype: 'int32' })).backward();
  assert.equal(x.grad!.toFlatArray(), [0, 0, 0]);
  const y = tensor([[0.1, 0.2, 0.3], [1, 2, 3]]).requiresGrad_();
  F.crossEntropy(y, tensor([-100, -100], { dtype: 'int32' }), { weight: tensor([1, 2, 3]), labelSmoothing: 0.1 }).backward();
  assert.equal(y.grad!.toFlatArray(), [0, 0, 0, 0, 0, 0]);
  F.nllLoss(y, tensor([-100, -100], { dtype: 'int32' }), { reduction: 'sum' }).backward();
  assert.equal(y.grad!.toFlatArray(), [0, 0, 0, 0, 0, 0]);
});

errs('binary cross entropy needs probabilities', () => {
  throwsNamed(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1])), RangeError, '1.5', 'element 1', 'WithLogits');
  throwsNamed(() => F.binaryCrossEntropy(tensor([0.5]), tensor([1], { dtype: 'int32' })), DTypeError, 'target');
  const p = tensor([0, 1, 0.5]).requiresGrad_();
  const l = F.binaryCrossEntropy(p, tensor([1, 0, 1]), { reduction: 'none' });
  near(l, [100, 100, Math.LN2]);
  l.sum().backward();
  assert.ok(p.grad!.isfinite().all().item() === 1, 'no NaN at p = 0 or 1');
});

for (const s of [ch5, mods, errs]) s.run();
