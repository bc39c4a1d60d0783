// Metrics as fastai computes them: accuracy and errorRate; AvgMetric and AvgLoss weighted by batch
// size (a small last batch counts for less); the smoothed training loss with its debiasing;
// validate() and getPreds().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cat, noGrad, tensor, type Tensor } from '@groundup/tensor';
import { F } from '@groundup/nn';
import { accuracy, AvgSmoothLoss, Callback, crossEntropyLossFlat, errorRate, type Learner } from '@groundup/learner';
import { toyLearner } from './helpers/toy.ts';

const near = (a: number, b: number, tol = 1e-6, what = ''): void => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

const s = suite('learner: metrics');
s('accuracy and errorRate', () => {
  const pred = tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]);
  const targ = tensor([1, 0, 0, 0], { dtype: 'int32' });
  near(accuracy(pred, targ).item(), 0.75);
  near(errorRate(pred, targ).item(), 0.25);
  assert.throws(() => accuracy(pred, tensor([[1], [0], [0], [0]], { dtype: 'int32' })), /one per prediction/);
});

/** Everything validate() should report, computed directly over the whole validation set. */
function direct(learn: Learner): { loss: number; acc: number } {
  return noGrad(() => {
    learn.model.eval();
    const ps: Tensor[] = [], ys: Tensor[] = [];
    for (const [x, y] of learn.dls.valid as Iterable<[Tensor, Tensor]>) { ps.push(learn.model.call(x) as Tensor); ys.push(y); }
    const p = cat(ps, 0), y = cat(ys, 0);
    return { loss: F.crossEntropy(p, y).item(), acc: accuracy(p, y).item() };
  });
}

s('validate(): loss and metrics over the whole set, weighted by batch size (batches of 16, 16 and 8)', () => {
  const learn = toyLearner({ nValid: 40, bs: 16, metrics: [accuracy] });
  learn.fit(1, { lr: 1e-2 });
  const [loss, acc] = learn.validate() as [number, number];
  const d = direct(learn);
  near(loss, d.loss, 1e-6, 'loss');
  near(acc, d.acc, 1e-7, 'accuracy'); // float32 means vs float64 sums
  // An unweighted mean of the three batch means would differ.
  const per = noGrad(() => [...learn.dls.valid as Iterable<[Tensor, Tensor]>].map(([x, y]) => accuracy(learn.model.call(x) as Tensor, y).item()));
  const unweighted = per.reduce((a, b) => a + b, 0) / per.length;
  assert.ok(Math.abs(unweighted - d.acc) > 1e-9 || per.every((v) => v === per[0]), 'the test set makes the weighting visible');
  // validate() keeps the history of the fit.
  assert.is(learn.recorder.values.length, 1);
});
class LossSpy extends Callback {
  constructor(readonly into: number[]) { super(); }
  override afterLoss(): void { if (this.learn.training) this.into.push(this.learn.loss.item()); }
}

s('the training loss column is the debiased EMA of the batch losses (β = 0.98)', () => {
  const losses: number[] = [];
  const learn = toyLearner({ n: 80, bs: 16 });
  const rec = learn.recorder;
  learn.fit(1, { lr: 1e-2, cbs: [new LossSpy(losses)] });
  let val = 0;
  losses.forEach((l, i) => { val = 0.98 * val + 0.02 * l; near(rec.losses[i]!, val / (1 - 0.98 ** (i + 1)), 1e-5, `batch ${i}`); });
  near(rec.values[0]![0]!, rec.losses.at(-1)!, 0, 'train_loss is the last smoothed value');
  const m = new AvgSmoothLoss(0.5);
  assert.is(m.value, null);
});
s('getPreds: predictions, targets, the loss\'s activation and decoded classes', () => {
  const learn = toyLearner({ nValid: 40, bs: 16, lossFunc: crossEntropyLossFlat() });
  learn.fit(1, { lr: 1e-2 });
  const { preds, targs, decoded, inputs } = learn.getPreds({ withDecoded: true, withInput: true });
  assert.equal(preds.shape, [40, 3]);
  assert.equal(targs!.shape, [40]);
  assert.equal(inputs!.shape, [40, 4]);
  (preds.sum(1).toFlatArray() as number[]).forEach((v) => near(v, 1, 1e-5, 'softmax rows'));
  assert.equal(decoded!.toFlatArray(), preds.argmax(-1).toFlatArray());
  const raw = learn.getPreds({ act: null }).preds;
  assert.ok(raw.softmax(-1).allclose(preds, 1e-5, 1e-6));
  const v = learn.validate();
  near(v[0]!, F.crossEntropy(raw, targs!).item(), 1e-5);
});
s.run();
