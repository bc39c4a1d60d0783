// Convergence on a small regression with a known answer: y = X·[2, −3] + 1 exactly (12 points),
// so the minimum MSE is 0 and the fitted parameters are [2, −3] and 1.
import { tensor, type Tensor } from '@groundup/tensor';
import { Adam, Optimizer, RMSProp, SGD, averageGrad, momentumStep, weightDecay } from '@groundup/optim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const xs = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
const X = tensor(xs, { dtype: 'float64' });
const y = tensor(xs.map(([a, b]) => 2 * a! - 3 * b! + 1), { dtype: 'float64' });

function fit(make: (params: Tensor[]) => Optimizer, steps: number): { loss: number; w: number[]; b: number } {
  const w = tensor([0, 0], { dtype: 'float64' }).requiresGrad_(), b = tensor([0], { dtype: 'float64' }).requiresGrad_();
  const opt = make([w, b]);
  let loss = NaN;
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const l = X.matmul(w).add(b).sub(y).pow(2).mean();
    l.backward();
    opt.step();
    loss = l.item();
  }
  return { loss, w: w.toFlatArray() as number[], b: b.item() };
}

const s = suite('optim convergence');
const check = (r: { loss: number; w: number[]; b: number }, maxLoss: number, tol: number): void => {
  assert.ok(r.loss < maxLoss, `loss ${r.loss} ≥ ${maxLoss}`);
  assert.ok(Math.abs(r.w[0]! - 2) < tol && Math.abs(r.w[1]! + 3) < tol && Math.abs(r.b - 1) < tol, `params ${r.w}, ${r.b}`);
};

s('plain SGD (lr 0.3, 300 steps) fits to loss < 1e-10', () => check(fit((p) => new SGD(p, { lr: 0.3 }), 300), 1e-10, 1e-5));
s('SGD momentum 0.9 (lr 0.05, 300 steps) fits to loss < 1e-10', () => check(fit((p) => new SGD(p, { lr: 0.05, momentum: 0.9 }), 300), 1e-10, 1e-5));
s('Nesterov (lr 0.05, 300 steps) fits to loss < 1e-10', () => check(fit((p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }), 300), 1e-10, 1e-5));
s('Adam (lr 0.05, 1000 steps) fits to loss < 1e-8', () => check(fit((p) => new Adam(p, { lr: 0.05 }), 1000), 1e-8, 1e-3));
s('RMSProp (lr 0.01, 1000 steps) gets below loss 1e-3', () => check(fit((p) => new RMSProp(p, { lr: 0.01 }), 1000), 1e-3, 0.05));
s('fastai SGD (dampened momentum, decoupled wd 1e-4) gets near the answer', () =>
  check(fit((p) => new Optimizer(p, [weightDecay, averageGrad({ dampening: true }), momentumStep], { lr: 0.3, mom: 0.9, wd: 1e-4 }), 400), 1e-4, 0.01));
s.run();
