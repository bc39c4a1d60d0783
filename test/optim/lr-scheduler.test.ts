// ExponentialLR against torch 1.13: Weidman ch7's use (scheduler.step() at the start of each
// epoch, before optimizer.step()) with SGD + momentum on a small quadratic; the lrs seen and the
// final weights were printed by torch.optim.lr_scheduler.ExponentialLR (values below).
import { ExponentialLR, OptimizerError, SGD } from '@groundup/optim';
import { tensor } from '@groundup/tensor';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const s = suite('optim: ExponentialLR');
s('the lr sequence and the weights match torch, step before optimizer.step as in Weidman ch7', () => {
  const w = tensor([1, -2, 3], { dtype: 'float64' }).requiresGrad_();
  const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
  const sched = new ExponentialLR(opt, (0.001 / 0.1) ** (1 / 6));
  const lrs: number[] = [];
  for (let e = 0; e < 5; e++) {
    sched.step();
    lrs.push(opt.paramGroups[0]!.lr);
    opt.zeroGrad();
    w.square().sum().add(w.at(0).mul(w.at(1))).backward();
    opt.step();
  }
  const torchLrs = [0.046415888336127795, 0.021544346900318843, 0.010000000000000004, 0.004641588833612781, 0.0021544346900318847];
  lrs.forEach((lr, i) => assert.ok(Math.abs(lr - torchLrs[i]!) < 1e-15, `${lr} vs ${torchLrs[i]}`));
  const want = [0.9881839773948132, -1.6062663614029615, 2.212757903539231];
  Array.from(w.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `w[${i}] ${v} vs ${want[i]}`));
  assert.is(sched.lastEpoch, 5);
  assert.equal(sched.getLastLr(), [lrs[4]]);
  assert.equal(sched.baseLrs, [0.1]);
});
s('every group decays; a bad gamma is refused', () => {
  const opt = new SGD([{ params: [tensor([1]).requiresGrad_()], lr: 0.1 }, { params: [tensor([2]).requiresGrad_()], lr: 0.01 }], { lr: 1 });
  const sched = new ExponentialLR(opt, 0.5);
  for (let i = 0; i < 3; i++) sched.step();
  assert.ok(Math.abs(sched.getLastLr()[0]! - 0.0125) < 1e-15 && Math.abs(sched.getLastLr()[1]! - 0.00125) < 1e-15);
  throwsNamed(() => new ExponentialLR(opt, 0), OptimizerError, 'gamma');
});
s.run();
