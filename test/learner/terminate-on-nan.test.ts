// TerminateOnNaNCallback stops a fit whose loss becomes NaN or infinite, and the model keeps its
// last finite weights: the check runs on the loss before backward (and on the gradients before
// the step), so the bad batch never updates the weights. It runs before Recorder (order −9).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isGradEnabled, Tensor } from '@groundup/tensor';
import { F } from '@groundup/nn';
import { SGD } from '@groundup/optim';
import { Callback, TerminateOnNaNCallback } from '@groundup/learner';
import { paramBits, toyLearner } from './helpers/toy.ts';

class Snapshots extends Callback {
  after: number[][] = [];
  override afterStep(): void { this.after.push(paramBits(this.learn.model)); }
}

const s = suite('learner: TerminateOnNaNCallback');
s('a loss that turns NaN at batch 7: the fit stops there, with the weights after batch 6', () => {
  const nan = new TerminateOnNaNCallback(), snaps = new Snapshots();
  let calls = 0; // training batches only (validation runs without grad)
  const lossFunc = (p: Tensor, t: Tensor): Tensor => { const l = F.crossEntropy(p, t); return isGradEnabled() && ++calls === 8 ? l.mul(NaN) : l; };
  const learn = toyLearner({ n: 96, bs: 16, lossFunc, cbs: [nan, snaps] });
  learn.fit(3, { lr: 1e-2 });
  assert.equal(nan.stopped, { epoch: 1, iter: 1, training: true, what: 'the loss is NaN' });
  assert.is(learn.trainIter, 7, 'batch 7 (epoch 1, batch 1) never finished');
  assert.is(learn.recorder.losses.length, 7, 'the NaN was never recorded');
  assert.ok(learn.recorder.losses.every(Number.isFinite));
  assert.equal(paramBits(learn.model), snaps.after.at(-1)!);
  assert.is(learn.recorder.values.length, 1, 'only epoch 0 completed');
});
s('a run that diverges (SGD with lr 1e3 on unscaled inputs) stops with finite weights', () => {
  const nan = new TerminateOnNaNCallback();
  const lossFunc = (p: Tensor, t: Tensor): Tensor => F.crossEntropy(p.mul(1e4), t);
  const learn = toyLearner({ n: 320, bs: 16, lossFunc, optFunc: SGD, cbs: [nan] });
  learn.fit(5, { lr: 1e3 });
  assert.ok(nan.stopped, 'it stopped');
  assert.ok(learn.trainIter < 100);
  for (const p of learn.model.parameters()) assert.ok((p.dataSync() as Float32Array).every(Number.isFinite), 'finite weights');
});
s('order −9: before Recorder', () => {
  const learn = toyLearner({ cbs: [new TerminateOnNaNCallback()] });
  const names = learn.sortedCbs.map((c) => c.constructor.name);
  assert.ok(names.indexOf('TerminateOnNaNCallback') < names.indexOf('Recorder'));
});
s.run();
