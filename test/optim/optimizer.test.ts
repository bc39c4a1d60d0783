// The ch16 Optimizer: groups and hyperparameters, state, zeroGrad, composition of steppers
// (fastai's momentum and RMSProp as the book prints them), validation errors.
import { tensor, arange, randn, type Tensor } from '@groundup/tensor';
import { Linear } from '@groundup/nn';
import {
  Adam, AdamW, Optimizer, OptimizerError, RMSProp, SGD, averageGrad, averageSqrGrad, momentumStep, rmsPropStep, sgdStep,
  weightDecay,
} from '@groundup/optim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const leaf = (v: number[]): Tensor => tensor(v, { dtype: 'float64' }).requiresGrad_();
const setGrad = (p: Tensor, g: number[]): void => { p.grad = tensor(g, { dtype: 'float64' }); };
const vals = (t: Tensor): number[] => t.toFlatArray() as number[];
const near = (got: number[], want: number[], tol = 1e-12): void =>
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `[${i}] ${v} vs ${want[i]}`));

const s = suite('optim Optimizer');

s('one group from a list of tensors; hypers from the defaults; state per parameter', () => {
  const a = leaf([1, 2]), b = leaf([3]);
  const opt = new Optimizer([a, b], [averageGrad(), momentumStep], { lr: 0.1, mom: 0.9 });
  assert.is(opt.paramGroups.length, 1);
  assert.equal(opt.hypers, [{ lr: 0.1, mom: 0.9 }]);
  setGrad(a, [1, 1]); setGrad(b, [2]);
  opt.step();
  near(vals(a), [0.9, 1.9]);
  near(vals(b), [2.8]);
  near(vals(opt.state.get(a)!['gradAvg'] as Tensor), [1, 1]);
  opt.step();
  near(vals(a), [0.9 - 0.19, 1.9 - 0.19]);
});

s('ch16 printed fastai momentum (no dampening) vs torch SGD momentum: same on step 1 and after', () => {
  const a = leaf([1]), b = leaf([1]);
  const fast = new Optimizer([a], [averageGrad(), momentumStep], { lr: 0.1, mom: 0.9 });
  const torch = new SGD([b], { lr: 0.1, momentum: 0.9 });
  for (let i = 0; i < 4; i++) {
    setGrad(a, [1 + i]); setGrad(b, [1 + i]);
    fast.step(); torch.step();
    near(vals(a), vals(b));
  }
});

s('fastai dampened momentum differs from torch by the (1 − mom) factor', () => {
  const a = leaf([1]);
  const opt = new Optimizer([a], [averageGrad({ dampening: true }), momentumStep], { lr: 0.1, mom: 0.9 });
  setGrad(a, [1]);
  opt.step();
  near(vals(a), [1 - 0.1 * 0.1]);
});

s('ch16 printed RMSProp: undamped squares, eps outside the sqrt', () => {
  const a = leaf([1]);
  const opt = new Optimizer([a], [averageSqrGrad({ dampening: false }), rmsPropStep], { lr: 0.01, sqrMom: 0.99, eps: 1e-7 });
  setGrad(a, [2]);
  opt.step();
  near(vals(a), [1 - (0.01 * 2) / (2 + 1e-7)]);
});

s('parameter groups: overrides, paramGroups[i].lr, setHyper with one value or one per group', () => {
  const a = leaf([1]), b = leaf([1]);
  const opt = new Optimizer([{ params: [a] }, { params: [b], lr: 0.01 }], sgdStep, { lr: 0.1 });
  assert.equal(opt.hypers.map((h) => h['lr']), [0.1, 0.01]);
  setGrad(a, [1]); setGrad(b, [1]);
  opt.step();
  near(vals(a), [0.9]); near(vals(b), [0.99]);
  opt.paramGroups[1]!.lr = 0.5;
  assert.is(opt.hypers[1]!['lr'], 0.5);
  opt.setHyper('lr', [0.2, 0.3]);
  assert.equal(opt.hypers.map((h) => h['lr']), [0.2, 0.3]);
  opt.lr = 0.05;
  assert.is(opt.lr, 0.05);
  assert.equal(opt.hypers.map((h) => h['lr']), [0.05, 0.05]);
  throwsNamed(() => opt.setHyper('lr', [1, 2, 3]), OptimizerError, '3 values for 2 parameter groups');
  throwsNamed(() => opt.setHyper('lr', -1), OptimizerError, 'invalid learning rate: -1');
  assert.is(opt.lr, 0.05, 'a refused setHyper changes nothing');
});

s('a schedule can change mom on the torch classes too (fastai names inside)', () => {
  const a = leaf([1]);
  const opt = new Adam([a], { lr: 0.1 });
  assert.equal(opt.hypers[0], { lr: 0.1, mom: 0.9, sqrMom: 0.999, eps: 1e-8, wd: 0 });
  opt.setHyper('mom', 0.85);
  assert.is(opt.paramGroups[0]!.hypers['mom'], 0.85);
  const w = new AdamW([leaf([1])]);
  assert.is(w.hypers[0]!['wd'], 0.01);
  assert.ok(w.decoupled);
  const sgd = new SGD([leaf([1])], { lr: 0.1 });
  assert.equal(sgd.hypers[0], { lr: 0.1, mom: 0, dampening: 0, wd: 0 });
  // momentum turned on by a schedule mid-run works (the update is chosen each step)
  const p = leaf([1]), q = leaf([1]);
  const o1 = new SGD([p], { lr: 0.1 }), o2 = new SGD([q], { lr: 0.1, momentum: 0.9 });
  o1.setHyper('mom', 0.9);
  for (let i = 0; i < 3; i++) { setGrad(p, [1]); setGrad(q, [1]); o1.step(); o2.step(); }
  near(vals(p), vals(q));
});

s('step skips parameters without a gradient and keeps no state for them', () => {
  const a = leaf([1]), b = leaf([1]);
  const opt = new Adam([a, b], { lr: 0.1 });
  setGrad(a, [1]);
  opt.step();
  assert.ok(opt.state.has(a));
  assert.not.ok(opt.state.has(b));
  near(vals(b), [1]);
  assert.equal(Object.keys(opt.state.get(a)!).sort(), ['gradAvg', 'sqrAvg', 'step']);
  assert.is(opt.state.get(a)!['step'], 1);
});

s('L2 weight decay does not change p.grad (torch semantics); decoupled decays p', () => {
  const a = leaf([2]);
  const opt = new SGD([a], { lr: 0.1, weightDecay: 0.5 });
  setGrad(a, [1]);
  opt.step();
  near(vals(a.grad!), [1]);
  near(vals(a), [2 - 0.1 * (1 + 0.5 * 2)]);
  const b = leaf([2]);
  const dec = new Optimizer([b], [weightDecay, sgdStep], { lr: 0.1, wd: 0.5 });
  setGrad(b, [1]);
  dec.step();
  near(vals(b), [2 * (1 - 0.05) - 0.1]);
});

s('zeroGrad: detaches and zeroes in place by default; setToNone clears', () => {
  const a = leaf([1, 2]);
  a.mul(3).sum().backward();
  const g = a.grad!;
  const opt = new SGD([a], { lr: 0.1 });
  opt.zeroGrad();
  assert.is(a.grad, g, 'the same tensor, zeroed');
  assert.equal(vals(a.grad!), [0, 0]);
  a.mul(3).sum().backward();
  assert.equal(vals(a.grad!), [3, 3], 'accumulates from zero');
  opt.zeroGrad({ setToNone: true });
  assert.is(a.grad, null);
});

s('Module.zeroGrad and Optimizer.zeroGrad agree: same forms, default zeroes in place (PyTorch 1.13 set_to_none=False)', () => {
  const model = new Linear(3, 2);
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const clear = [(a?: boolean | { setToNone?: boolean }) => model.zeroGrad(a), (a?: boolean | { setToNone?: boolean }) => opt.zeroGrad(a)];
  for (const zero of clear) {
    for (const [arg, toNone] of [[undefined, false], [false, false], [{}, false], [{ setToNone: false }, false], [true, true], [{ setToNone: true }, true]] as const) {
      model.call(randn(4, 3)).sum().backward();
      const g = model.weight.grad!;
      zero(arg);
      if (toNone) assert.is(model.weight.grad, null, `${JSON.stringify(arg)} sets to null`);
      else {
        assert.is(model.weight.grad, g, `${JSON.stringify(arg)} keeps the tensor`);
        assert.equal(vals(g), [0, 0, 0, 0, 0, 0]);
      }
    }
  }
});

s('step(closure) evaluates the loss with grad on and returns it', () => {
  const a = leaf([3]);
  const opt = new SGD([a], { lr: 0.1 });
  const loss = opt.step(() => { opt.zeroGrad(); const l = a.pow(2).sum(); l.backward(); return l.item(); });
  assert.is(loss, 9);
  near(vals(a), [3 - 0.6]);
});

s('the gradient of the loss flows through parameters updated in place (no graph kept by step)', () => {
  const w = leaf([0.5]);
  const opt = new SGD([w], { lr: 0.1 });
  for (let i = 0; i < 3; i++) { opt.zeroGrad(); w.mul(2).sub(1).pow(2).sum().backward(); opt.step(); }
  assert.ok(w.isLeaf && w.requiresGrad && w.gradFn === null);
});

s('errors: bad params, bad hypers, clashes, in torch wording', () => {
  const a = leaf([1]);
  throwsNamed(() => new SGD([], { lr: 0.1 }), OptimizerError, 'empty parameter list');
  throwsNamed(() => new SGD(a as never, { lr: 0.1 }), OptimizerError, 'wrap it in an array');
  throwsNamed(() => new SGD([a], {} as never), OptimizerError, 'lr is required');
  throwsNamed(() => new SGD([a], { lr: -0.1 }), OptimizerError, 'invalid learning rate: -0.1');
  throwsNamed(() => new SGD([a], { lr: 0.1, momentum: -1 }), OptimizerError, 'invalid momentum value: -1');
  throwsNamed(() => new SGD([a], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), OptimizerError, 'Nesterov', 'zero dampening');
  throwsNamed(() => new SGD([a], { lr: 0.1, nesterov: true }), OptimizerError, 'Nesterov');
  throwsNamed(() => new SGD([a], { lr: 0.1, momentun: 0.9 } as never), OptimizerError, "unknown option 'momentun'", 'momentum');
  throwsNamed(() => new Adam([a], { betas: [1, 0.999] }), OptimizerError, 'invalid beta parameter at index 0: 1');
  throwsNamed(() => new Adam([a], { betas: [0.9] as never }), OptimizerError, "'betas' must be a pair");
  throwsNamed(() => new Adam([a], { eps: -1 }), OptimizerError, 'invalid epsilon value: -1');
  throwsNamed(() => new RMSProp([a], { weightDecay: -1 }), OptimizerError, 'invalid weight_decay value: -1');
  throwsNamed(() => new SGD([a, a], { lr: 0.1 }), OptimizerError, 'more than one parameter group');
  throwsNamed(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 }), OptimizerError, 'more than one parameter group');
  throwsNamed(() => new SGD([a.mul(2)], { lr: 0.1 }), OptimizerError, 'not a leaf');
  throwsNamed(() => new SGD([arange(3)], { lr: 0.1 }), OptimizerError, 'dtype int32');
  throwsNamed(() => new Optimizer([a], sgdStep, { lr: NaN }), OptimizerError, "'lr' is NaN");
  const opt = new Optimizer([a], averageGrad(), { lr: 0.1 });
  setGrad(a, [1]);
  throwsNamed(() => opt.step(), OptimizerError, "averageGrad: needs the hyperparameter 'mom'");
});

s.run();
