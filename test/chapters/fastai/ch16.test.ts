// fastai ch16, "The Training Process": the optimizers as the book writes them, built from stepper
// functions (exact values for a few steps, questionnaire Q15's bias correction, decoupled weight
// decay = L2 for plain SGD only), the callback pieces of §11.4, and the five training runs of the
// chapter on a Fashion-MNIST subset with bands and an ordering measured over 5 seeds.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, zeros, type Tensor } from 'groundup';
import { averageGrad, averageSqrGrad, debias, l2Reg, momentumStep, Optimizer, rmsPropStep, sgdStep, stepStat, weightDecay, adamStep, type Stepper } from '@groundup/optim';
import { fashionMnistAvailable } from '../../../book/lib/fashion.ts';
import { fashionLoaders, getLearner, RUNS } from '../../../book/fastai/ch16/setup.ts';

/** Runs an optimizer on one scalar parameter for the given gradients; returns p after each step. */
function trace(steppers: Stepper[], hypers: Record<string, number>, grads: number[]): number[] {
  const p = zeros([1], { dtype: 'float64' }).requiresGrad_();
  const opt = new Optimizer([p], steppers, hypers);
  return grads.map((g) => { p.grad = tensor([g], { dtype: 'float64' }); opt.step(); return p.item(); });
}
const near = (got: number[], want: number[], what: string): void =>
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `${what} step ${i}: ${v} vs ${want[i]}`));

const opt = suite('ch16 the optimizers of the chapter (deterministic)');
opt('SGD: p ← p − lr·g', () => near(trace([sgdStep], { lr: 0.1 }, [1, 2, -1]), [-0.1, -0.3, -0.2], 'sgd'));
opt('momentum as the book\'s code: avg ← 0.9·avg + g; p ← p − lr·avg', () => {
  // avg: 1, 1.9, 0.71 → p: −0.1, −0.29, −0.361
  near(trace([averageGrad(), momentumStep], { lr: 0.1, mom: 0.9 }, [1, 1, -1]), [-0.1, -0.29, -0.361], 'momentum');
});
opt('RMSProp as the book\'s code: sqr ← 0.99·sqr + g²; p ← p − lr·g/(√sqr + eps)', () => {
  const eps = 1e-7;
  const s1 = 1, s2 = 0.99 * s1 + 4;
  near(trace([averageSqrGrad({ dampening: false }), rmsPropStep], { lr: 0.01, sqrMom: 0.99, eps }, [1, 2]),
    [-0.01 / (1 + eps), -0.01 / (1 + eps) - (0.01 * 2) / (Math.sqrt(s2) + eps)], 'rmsprop');
});
opt('Q15: the unbiased average of dummy gradients (β = 0.9): avg/(1 − βᵗ)', () => {
  let avg = 0;
  const got = [1, 2, 3].map((g, i) => { avg = 0.9 * avg + 0.1 * g; return avg / debias(0.9, 0.1, i + 1); });
  // avg: 0.1, 0.29, 0.561; 1 − βᵗ: 0.1, 0.19, 0.271.
  near(got, [1, 0.29 / 0.19, 0.561 / 0.271], 'unbias_avg');
  assert.ok(Math.abs(got[0]! - 1) < 1e-15, 'the first unbiased average is the first gradient');
  // Adam's step with bias correction: the first step moves p by lr·sign(g) (up to eps).
  const first = trace([averageGrad({ dampening: true }), averageSqrGrad(), stepStat, adamStep], { lr: 0.01, mom: 0.9, sqrMom: 0.99, eps: 1e-8 }, [5]);
  assert.ok(Math.abs(first[0]! + 0.01) < 1e-9, `first Adam step ${first[0]}`);
});
opt('decoupled weight decay equals L2 for plain SGD, not with momentum', () => {
  const g = [0.5, -0.25, 1];
  const run = (wd: Stepper, more: Stepper[]): number[] => {
    const p = tensor([1, -2, 3], { dtype: 'float64' }).requiresGrad_();
    const o = new Optimizer([p], [wd, ...more], { lr: 0.1, wd: 0.05, mom: 0.9 });
    for (const x of g) { p.grad = tensor([x, x, x], { dtype: 'float64' }); o.step(); }
    return p.toFlatArray() as number[];
  };
  near(run(weightDecay, [sgdStep]), run(l2Reg, [sgdStep]), 'plain SGD');
  const a = run(weightDecay, [averageGrad(), momentumStep]), b = run(l2Reg, [averageGrad(), momentumStep]);
  assert.ok(a.some((v, i) => Math.abs(v - b[i]!) > 1e-6), 'with momentum they differ');
});
opt.run();

const av = fashionMnistAvailable();
const runs = suite('ch16 the five runs on Fashion-MNIST (2,048 images, 1 epoch each)');
if (!av.ok) runs.skip(`needs Fashion-MNIST: ${av.reason.replace(/\n/g, ' ')}`, () => {});
else runs('each optimizer lands in its measured band, and Adam and RMSProp beat the three SGD runs', () => {
  // Valid accuracy measured over seeds 1–5 (the book's runs, 1 epoch of 16 batches instead of 3 of
  // Imagenette; book values in brackets):
  //   Adam fitOneCycle(0.003)              0.568–0.706  [0.5949]
  //   SGD fitOneCycle(0.03, moms 0)        0.168–0.414  [0.4089]
  //   Optimizer+sgdStep fit(0.03)          0.245–0.567  [0.4454]
  //   + momentum 0.9 fitOneCycle(0.03)     0.344–0.561  [0.4189]
  //   RMSProp fitOneCycle(0.003)           0.528–0.646  [0.5450]
  // In every seed both Adam and RMSProp beat all three SGD variants (the book's split between the
  // adaptive optimizers and the SGD family) and plain SGD with one-cycle came last (as in the
  // book); the rest of the order changes with the seed, so it is not asserted. Bands: the measured
  // range widened by about 0.1 each side.
  const bands: [number, number][] = [[0.45, 0.85], [0.08, 0.55], [0.12, 0.7], [0.2, 0.7], [0.4, 0.78]];
  const dls = fashionLoaders(2048, 1000, 1);
  const acc = RUNS.map((r, i) => {
    const learn = getLearner(dls, 1, { progress: false, ...(r.optFunc ? { optFunc: r.optFunc } : {}) });
    learn.logger = () => {};
    r.run(learn, 1);
    const a = learn.recorder.values.at(-1)!.at(-1)!;
    assert.ok(a >= bands[i]![0] && a <= bands[i]![1], `${r.name}: accuracy ${a} outside [${bands[i]}]`);
    return a;
  });
  const [adam, sgd, generic, mom, rms] = acc as [number, number, number, number, number];
  assert.ok(Math.min(adam, rms) > Math.max(sgd, generic, mom), `adaptive ${[adam, rms]} vs SGD family ${[sgd, generic, mom]}`);
  assert.ok(sgd < Math.min(adam, generic, mom, rms), `plain SGD ${sgd} should come last: ${acc}`);
});
runs.run();
