// The ch16 steppers on dummy values, one at a time (under noGrad, as Optimizer.step runs them),
// and fastai's debias / unbias on the gradients 1, 2, 3 (ch16 Q15).
import { noGrad, tensor, type Tensor } from '@groundup/tensor';
import {
  OptimizerError, adamStep, averageGrad, averageSqrGrad, debias, l2Reg, momentumBuffer, momentumStep, nesterovStep,
  rmsPropStep, sgdStep, stepStat, weightDecay, type StepArgs, type StepUpdate,
} from '@groundup/optim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const f64 = (v: number[]): Tensor => tensor(v, { dtype: 'float64' });
const near = (got: Tensor | number, want: number[] | number, tol = 1e-12): void => {
  const g = typeof got === 'number' ? [got] : (got.toFlatArray() as number[]);
  const w = typeof want === 'number' ? [want] : want;
  assert.is(g.length, w.length);
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) <= tol * Math.max(1, Math.abs(w[i]!)), `[${i}] ${v} vs ${w[i]}`));
};
const run = (fn: (p: Tensor, a: StepArgs) => StepUpdate | void, p: Tensor, a: Omit<StepArgs, 'grad'> & { grad: Tensor }): StepUpdate | void =>
  noGrad(() => fn(p, a as StepArgs));

const s = suite('optim steppers');

s('sgdStep: p ← p − lr·grad', () => {
  const p = f64([1, 2]);
  run(sgdStep, p, { grad: f64([0.5, -1]), lr: 0.1 });
  near(p, [0.95, 2.1]);
});

s('weightDecay (decoupled): p ← p·(1 − lr·wd); a no-op when wd = 0', () => {
  const p = f64([1, -2]);
  run(weightDecay, p, { grad: f64([9, 9]), lr: 0.1, wd: 0.5 });
  near(p, [0.95, -1.9]);
  run(weightDecay, p, { grad: f64([9, 9]), lr: 0.1, wd: 0 });
  near(p, [0.95, -1.9]);
});

s('l2Reg: returns grad + wd·p for the next steppers and leaves p and its grad alone', () => {
  const p = f64([1, -2]), g = f64([0.5, 0.5]);
  const u = run(l2Reg, p, { grad: g, lr: 0.1, wd: 0.1 }) as StepUpdate;
  near(u['grad'] as Tensor, [0.6, 0.3]);
  near(g, [0.5, 0.5]);
  near(p, [1, -2]);
  assert.is(run(l2Reg, p, { grad: g, lr: 0.1, wd: 0 }), undefined);
});

s('averageGrad: ch16 printed form (mom·avg + g) and the dampened EMA (mom·avg + (1 − mom)·g)', () => {
  const p = f64([0]);
  let plain: Tensor | undefined, damp: Tensor | undefined;
  const plainF = averageGrad(), dampF = averageGrad({ dampening: true });
  const want = { plain: [1, 2.9, 5.61], damp: [0.1, 0.29, 0.561] };
  [1, 2, 3].forEach((g, i) => {
    plain = (run(plainF, p, { grad: f64([g]), mom: 0.9, ...(plain ? { gradAvg: plain } : {}) }) as StepUpdate)['gradAvg'] as Tensor;
    damp = (run(dampF, p, { grad: f64([g]), mom: 0.9, ...(damp ? { gradAvg: damp } : {}) }) as StepUpdate)['gradAvg'] as Tensor;
    near(plain, [want.plain[i]!]);
    near(damp, [want.damp[i]!]);
  });
});

s('debias / unbias (ch16 Q15): both averages unbias to the same values 1, 1.5263, 2.0701', () => {
  near(debias(0.9, 0.1, 1), 0.1);
  near(debias(0.9, 0.1, 3), 1 - 0.9 ** 3);
  near(debias(0.9, 1, 3), 1 + 0.9 + 0.81);
  near(debias(1, 1, 4), 4);
  const avgs = { plain: [1, 2.9, 5.61], damp: [0.1, 0.29, 0.561] };
  const unbiased = [1, 2.9 / 1.9, 5.61 / 2.71];
  [1, 2, 3].forEach((step, i) => {
    near(avgs.plain[i]! / debias(0.9, 1, step), unbiased[i]!);
    near(avgs.damp[i]! / debias(0.9, 0.1, step), unbiased[i]!);
  });
  near(f64(unbiased), [1, 1.526315789473684, 2.070110701107011]);
});

s('averageSqrGrad: dampened by default, plain with { dampening: false }', () => {
  const p = f64([0, 0]);
  const u1 = run(averageSqrGrad(), p, { grad: f64([2, -3]), sqrMom: 0.99 }) as StepUpdate;
  near(u1['sqrAvg'] as Tensor, [0.04, 0.09]);
  const u2 = run(averageSqrGrad(), p, { grad: f64([1, 1]), sqrMom: 0.99, sqrAvg: u1['sqrAvg']! }) as StepUpdate;
  near(u2['sqrAvg'] as Tensor, [0.99 * 0.04 + 0.01, 0.99 * 0.09 + 0.01]);
  const u3 = run(averageSqrGrad({ dampening: false }), p, { grad: f64([2, -3]), sqrMom: 0.99 }) as StepUpdate;
  near(u3['sqrAvg'] as Tensor, [4, 9]);
});

s('stepStat counts from 1', () => {
  const p = f64([0]);
  assert.equal(run(stepStat, p, { grad: p }), { step: 1 });
  assert.equal(run(stepStat, p, { grad: p, step: 4 }), { step: 5 });
});

s('momentumBuffer (torch SGD): first step copies grad, then mom·buf + (1 − dampening)·grad; momentumStep and nesterovStep', () => {
  const p = f64([1, 1]), g = f64([1, 2]);
  const b1 = (run(momentumBuffer, p, { grad: g, mom: 0.9, dampening: 0.5 }) as StepUpdate)['gradAvg'] as Tensor;
  near(b1, [1, 2]);
  assert.ok(!b1.dataPtrEquals(g), 'the buffer is a copy, not the gradient');
  const b2 = (run(momentumBuffer, p, { grad: g, mom: 0.9, dampening: 0.5, gradAvg: b1 }) as StepUpdate)['gradAvg'] as Tensor;
  near(b2, [1.4, 2.8]);
  assert.is(run(momentumBuffer, p, { grad: g, mom: 0 }), undefined);
  run(momentumStep, p, { grad: g, lr: 0.1, gradAvg: b2 });
  near(p, [0.86, 0.72]);
  run(nesterovStep, p, { grad: g, lr: 0.1, mom: 0.9, gradAvg: b2 });
  near(p, [0.86 - 0.1 * (1 + 0.9 * 1.4), 0.72 - 0.1 * (2 + 0.9 * 2.8)]);
});

s('rmsPropStep: p ← p − lr·g/(sqrt(sqrAvg) + eps), using gradAvg when kept', () => {
  const p = f64([1, 1]);
  run(rmsPropStep, p, { grad: f64([2, -4]), lr: 0.1, eps: 0, sqrAvg: f64([4, 16]) });
  near(p, [0.9, 1.1]);
  run(rmsPropStep, p, { grad: f64([2, -4]), lr: 0.1, eps: 1, sqrAvg: f64([9, 9]), gradAvg: f64([4, 4]) });
  near(p, [0.8, 1.0]);
});

s('adamStep: the first step moves each weight by about lr against its gradient (bias correction)', () => {
  const p = f64([1, 1, 1]);
  const g = f64([1e-3, -5, 100]);
  let st: Record<string, Tensor | number> = {};
  for (const f of [averageGrad({ dampening: true }), averageSqrGrad(), stepStat]) Object.assign(st, run(f, p, { grad: g, mom: 0.9, sqrMom: 0.999, ...st }));
  run(adamStep, p, { grad: g, lr: 0.01, mom: 0.9, sqrMom: 0.999, eps: 1e-8, ...st });
  near(p, [0.99, 1.01, 0.99], 1e-7);
  st = {};
  throwsNamed(() => run(adamStep, p, { grad: g, lr: 0.01, mom: 0.9, sqrMom: 0.999, eps: 1e-8 }), OptimizerError, 'stepStat');
});

s('a missing hyperparameter names the stepper, the name and the fix', () => {
  const p = f64([1]);
  throwsNamed(() => run(averageGrad(), p, { grad: p }), OptimizerError, 'averageGrad', "'mom'", '{ mom: ... }');
  throwsNamed(() => run(momentumStep, p, { grad: p, lr: 0.1 }), OptimizerError, "'gradAvg'", 'averageGrad()');
  throwsNamed(() => run(rmsPropStep, p, { grad: p, lr: 0.1, eps: 0 }), OptimizerError, "'sqrAvg'");
});

s.run();
