// fitOneCycle's schedules. The lr and momentum that ParamScheduler sets before each training batch
// of a real fitOneCycle(4, 0.01) (100 batches) equal fastai's formulas at 10 sampled batches:
// pos = batch/100; before pctStart (0.25) lr rises along half a cosine from lrMax/25 to lrMax,
// then falls along another to lrMax/1e5; momentum goes 0.95 → 0.85 → 0.95 the same way.
// PyTorch's OneCycleLR (test/fixtures/one_cycle.json, scripts/fixtures/one_cycle.py) anneals with
// the same cosines between the same values but maps steps to positions differently: its warm-up
// ends at step pctStart·total − 1 = 24 where fastai's ends at 25, and its last step is exactly
// the final value. So the two agree when the schedule is evaluated at torch's phase positions;
// that is checked at every step.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { oneCycle } from '@groundup/optim';
import { toyLearner } from './helpers/toy.ts';

const cosAnneal = (a: number, b: number, p: number): number => a + ((b - a) * (1 - Math.cos(Math.PI * p))) / 2;
const fastai = (start: number, mid: number, end: number, pct: number) => (pos: number): number =>
  pos < pct ? cosAnneal(start, mid, pos / pct) : cosAnneal(mid, end, (pos - pct) / (1 - pct));
const near = (got: number, want: number, what: string, tol = 1e-12): void =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

const s = suite('learner: fitOneCycle schedules');
s('lr and mom set by a real fitOneCycle(4, 0.01) equal fastai\'s formulas at 10 sampled batches', () => {
  const learn = toyLearner({ n: 400, nValid: 16, bs: 16 });
  learn.fitOneCycle(4, 0.01);
  const { lr, mom } = learn.recorder.hps as { lr: number[]; mom: number[] };
  assert.is(lr.length, 100);
  const lrF = fastai(0.01 / 25, 0.01, 0.01 / 1e5, 0.25), momF = fastai(0.95, 0.85, 0.95, 0.25);
  for (const i of [0, 7, 13, 24, 25, 26, 40, 61, 88, 99]) {
    near(lr[i]!, lrF(i / 100), `lr at batch ${i}`);
    near(mom[i]!, momF(i / 100), `mom at batch ${i}`);
  }
  assert.ok(Math.abs(lr[25]! - 0.01) < 1e-15, 'the peak is at batch 25');
  // The Recorder saw the same values the optimizer used.
  assert.equal(learn.recorder.lrs, lr);
  assert.equal(learn.recorder.moms, mom);
});
s('divs, pctStart and moms are honoured', () => {
  const learn = toyLearner({ n: 160, nValid: 16, bs: 16 });
  learn.fitOneCycle(2, 0.1, { div: 10, divFinal: 100, pctStart: 0.5, moms: [0.9, 0.8, 0.7] });
  const { lr, mom } = learn.recorder.hps as { lr: number[]; mom: number[] };
  const lrF = fastai(0.01, 0.1, 0.001, 0.5), momF = fastai(0.9, 0.8, 0.7, 0.5);
  lr.forEach((v, i) => near(v, lrF(i / 20), `lr ${i}`));
  mom.forEach((v, i) => near(v, momF(i / 20), `mom ${i}`));
});

interface Torch { total: number; max_lr: number; pct_start: number; div: number; div_final: number; moms: [number, number, number]; lrs: number[]; moms_seen: number[] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/one_cycle.json', import.meta.url), 'utf8')) as Torch;
s('the same cosines as torch.optim.lr_scheduler.OneCycleLR, at torch\'s phase positions (100 steps)', () => {
  const { lr, mom } = oneCycle({ lrMax: fx.max_lr, div: fx.div, divFinal: fx.div_final, pctStart: fx.pct_start, moms: fx.moms });
  const up = fx.pct_start * fx.total - 1, last = fx.total - 1;
  for (let i = 0; i < fx.total; i++) {
    const pos = i <= up ? fx.pct_start * (i / up) : fx.pct_start + (1 - fx.pct_start) * ((i - up) / (last - up));
    near(lr(pos), fx.lrs[i]!, `lr at torch step ${i}`);
    near(mom(pos), fx.moms_seen[i]!, `momentum at torch step ${i}`);
  }
});
s.run();
