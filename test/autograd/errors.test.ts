// Every autograd misuse throws AutogradError with a message that says what was wrong, the op or
// shapes involved, and the fix; plus the tensor hooks, retainGrad, grad modes and the graph
// bookkeeping (gradFn names, isLeaf, detach, accumulation) the later packages rely on.
import {
  AutogradError, enableGrad, Function, FunctionCtx, gradcheck, isGradEnabled, noGrad, randn, tensor, zeros, type Tensor,
} from 'groundup';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const f64 = (data: number[] | number[][]): Tensor => tensor(data, { dtype: 'float64' });
const leaf = (data: number[] | number[][]): Tensor => f64(data).requiresGrad_();
const arr = (t: Tensor | null): unknown => (t === null ? null : t.toArray());

// ---------------------------------------------------------------- misuse
const errors = suite('autograd errors');

errors('backward on a non-scalar without a gradient says to reduce first or pass a gradient', () => {
  const x = leaf([[1, 2, 3], [4, 5, 6]]);
  const y = x.mul(2);
  throwsNamed(() => y.backward(), AutogradError, 'only for a scalar output', 'shape [2,3]', 'reduce it first', '.sum()', 'pass a gradient of shape [2,3]');
  y.sum().backward(); // the advice works
  assert.equal(arr(x.grad), [[2, 2, 2], [2, 2, 2]]);
});

errors('a one-element non-0-d output backpropagates without a gradient (as in PyTorch)', () => {
  const x = leaf([3]);
  x.mul(x).backward();
  assert.equal(arr(x.grad), [6]);
});

errors('backward twice without retainGraph says to pass retainGraph', () => {
  const x = leaf([1, 2]);
  const y = x.exp().sum();
  y.backward();
  throwsNamed(() => y.backward(), AutogradError, 'second time', 'freed', 'retainGraph: true');
});

errors('backward twice with retainGraph works and accumulates', () => {
  const x = leaf([1, 2]);
  const y = x.mul(x).sum();
  y.backward(null, { retainGraph: true });
  y.backward();
  assert.equal(arr(x.grad), [4, 8]);
});

errors('an in-place edit of a tensor saved for backward names the op and the tensor\'s shape', () => {
  const x = leaf([[1, 2, 3], [4, 5, 6]]);
  const y = x.exp(); // ExpBackward0 saves its output
  const z = y.sum();
  y.add_(1);
  throwsNamed(() => z.backward(), AutogradError, 'ExpBackward0', 'shape [2,3]', 'float64', 'modified by an in-place operation', 'version 0, now 1', 'clone()');
});

errors('an in-place edit of a saved constant input (under noGrad) is caught too', () => {
  const w = leaf([1, 2, 3]);
  const c = f64([4, 5, 6]);
  const y = w.mul(c).sum(); // MulBackward0 saves c to compute w's gradient
  noGrad(() => c.mul_(2));
  throwsNamed(() => y.backward(), AutogradError, 'MulBackward0', 'shape [3]', 'in-place');
});

errors('an in-place edit of a leaf that requires grad is refused outside noGrad, with a hint to use noGrad', () => {
  const w = leaf([1, 2, 3]);
  throwsNamed(() => w.sub_(1), AutogradError, 'sub_', 'leaf tensor that requires grad', 'shape [3]', 'noGrad(() => ...)');
  throwsNamed(() => w.mul_(2), AutogradError, 'mul_', 'noGrad');
  throwsNamed(() => w.relu_(), AutogradError, 'relu_', 'noGrad');
  throwsNamed(() => w.fill_(0), AutogradError, 'fill_', 'noGrad');
  throwsNamed(() => w.zero_(), AutogradError, 'noGrad');
  throwsNamed(() => w.copy_(f64([0, 0, 0])), AutogradError, 'copy_', 'noGrad');
  throwsNamed(() => w.setAt(0, 5), AutogradError, 'setAt', 'noGrad');
  throwsNamed(() => w.at('1:').mul_(2), AutogradError, 'view of a leaf tensor that requires grad', 'noGrad');
  assert.equal(arr(w), [1, 2, 3], 'a refused edit leaves the values alone');
});

errors('the same edits work inside noGrad (the book\'s SGD step), and leave the leaf a leaf', () => {
  const w = leaf([1, 2, 3]);
  w.mul(w).sum().backward();
  noGrad(() => {
    w.sub_(w.grad!.mul(0.5));
    w.at(0).mul_(10);
    w.setAt(2, 7);
  });
  assert.equal(arr(w), [0, 0, 7]);
  assert.ok(w.isLeaf && w.requiresGrad && w.gradFn === null, 'still a leaf that requires grad');
  w.grad = null;
  w.mul(3).sum().backward();
  assert.equal(arr(w.grad), [3, 3, 3]);
});

errors('requiresGrad_ on an int or bool tensor says only floating-point tensors can require grad', () => {
  throwsNamed(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_(), AutogradError, 'only floating-point tensors', 'int32', '.float()');
  throwsNamed(() => tensor([true, false]).requiresGrad_(), AutogradError, 'only floating-point tensors', 'bool');
});

errors('requiresGrad_(false) on a non-leaf says to use detach()', () => {
  const y = leaf([1, 2]).mul(2);
  throwsNamed(() => y.requiresGrad_(false), AutogradError, 'not a leaf', 'detach()');
});

errors('backward on a tensor that does not require grad says which leaves need requiresGrad_()', () => {
  const x = f64([1, 2]);
  throwsNamed(() => x.sum().backward(), AutogradError, 'does not require grad', 'requiresGrad_()');
  const w = leaf([1, 2]);
  const y = noGrad(() => w.mul(2).sum());
  throwsNamed(() => y.backward(), AutogradError, 'does not require grad', 'noGrad');
});

errors('a gradient of the wrong shape names both shapes', () => {
  const y = leaf([[1, 2, 3], [4, 5, 6]]).mul(2);
  throwsNamed(() => y.backward(f64([1, 1, 1])), AutogradError, 'gradient has shape [3]', 'output has shape [2,3]');
  throwsNamed(() => y.backward(f64([[1, 1], [1, 1], [1, 1]])), AutogradError, '[3,2]', '[2,3]');
});

errors('registerHook on a tensor that does not require grad', () => {
  throwsNamed(() => f64([1, 2]).registerHook((g) => g), AutogradError, 'registerHook', "doesn't require gradient");
});

class TwoInputs extends Function {
  static override forward(_ctx: FunctionCtx, a: Tensor, b: Tensor): Tensor { return a.mul(b); }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor[] { return [g]; } // one gradient short
}
errors('a Function returning the wrong number of gradients names itself and both counts', () => {
  const a = leaf([1, 2]), b = leaf([3, 4]);
  const y = TwoInputs.apply(a, b).sum();
  throwsNamed(() => y.backward(), AutogradError, 'TwoInputsBackward', 'returned 1 gradient(s)', 'forward took 2 input(s)', 'null for non-tensors');
});

class WrongShape extends Function {
  static override forward(_ctx: FunctionCtx, a: Tensor): Tensor { return a.mul(2); }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor { return g.t(); } // [3,2] for a [2,3] input
}
class ShortGrad extends Function {
  static override forward(_ctx: FunctionCtx, a: Tensor): Tensor { return a.mul(2); }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor { return g.at(0); } // [3] for a [2,3] input
}
class WideGrad extends Function {
  static override forward(_ctx: FunctionCtx, a: Tensor): Tensor { return a.mul(2); }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor { return g.unsqueeze(0).expand(4, 2, 3); } // broadcastable: summed, as in PyTorch
}
errors('a Function returning a gradient of the wrong shape names itself and both shapes', () => {
  // PyTorch: "Function WrongShapeBackward returned an invalid gradient at index 0 - got [3, 2] but expected shape compatible with [2, 3]".
  const a = randn([2, 3], { dtype: 'float64' }).requiresGrad_();
  throwsNamed(() => WrongShape.apply(a).sum().backward(), AutogradError, 'WrongShapeBackward', '[3,2]', '[2,3]');
  throwsNamed(() => ShortGrad.apply(a).sum().backward(), AutogradError, 'ShortGradBackward', '[3]', '[2,3]');
});
errors('a Function returning a broadcastable wider gradient has it summed back, as in PyTorch', () => {
  const a = randn([2, 3], { dtype: 'float64' }).requiresGrad_();
  WideGrad.apply(a).sum().backward();
  assert.equal(arr(a.grad), [[4, 4, 4], [4, 4, 4]]);
});

class NoTensor extends Function {
  static override forward(): Tensor { return 3 as unknown as Tensor; }
}
class NoForward extends Function {}
errors('a Function whose forward returns no Tensor, or has no forward', () => {
  throwsNamed(() => NoTensor.apply(leaf([1])), AutogradError, 'NoTensor.forward must return a Tensor');
  throwsNamed(() => NoForward.apply(leaf([1])), AutogradError, 'NoForward.forward is not implemented', 'static forward(ctx');
});

class BadGrad extends Function {
  static override forward(_ctx: FunctionCtx, a: Tensor): Tensor { return a.square(); }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor { return g.mul(3); } // should be 2a: worst at a = -1
}
errors('gradcheck names the worst element when a backward is wrong', () => {
  const a = f64([[0.5, -1], [2, 1.5]]).requiresGrad_();
  throwsNamed(() => gradcheck((x) => BadGrad.apply(x), [a]), AutogradError, 'gradcheck failed', 'worst: input 0 element [0,1]', 'numerical -2', 'analytical 3');
});

errors('gradcheck refuses float32 inputs, non-leaf inputs and inputs that need no grad', () => {
  throwsNamed(() => gradcheck((x) => x.mul(2), [randn(3).requiresGrad_()]), AutogradError, 'input 0 is float32', 'float64', '.double()');
  const nl = randn([3], { dtype: 'float64' }).requiresGrad_().mul(2);
  throwsNamed(() => gradcheck((x) => x.mul(2), [nl]), AutogradError, 'input 0 must be a leaf');
  throwsNamed(() => gradcheck((x) => x.mul(2), [randn([3], { dtype: 'float64' })]), AutogradError, 'no input requires grad', 'requiresGrad_()');
});

errors.run();

// ---------------------------------------------------------------- hooks and retainGrad
const hooks = suite('hooks and retainGrad');

hooks('a hook on a leaf can replace its gradient, and remove() stops it', () => {
  const x = leaf([1, 2, 3]);
  const seen: number[][] = [];
  const h = x.registerHook((g) => { seen.push(g.toArray() as number[]); return g.mul(10); });
  x.mul(2).sum().backward();
  assert.equal(seen, [[2, 2, 2]], 'the hook sees the incoming gradient');
  assert.equal(arr(x.grad), [20, 20, 20], 'the returned tensor replaces it');
  h.remove();
  x.grad = null;
  x.mul(2).sum().backward();
  assert.equal(arr(x.grad), [2, 2, 2], 'after remove() the hook no longer runs');
  assert.equal(seen.length, 1);
  h.remove(); // removing twice is harmless
});

hooks('a hook on a non-leaf changes the gradient that flows on to the leaves', () => {
  const x = leaf([1, 2]);
  const y = x.mul(3);
  y.registerHook((g) => g.mul(-1));
  y.mul(y).sum().backward(); // d/dy = 2y = [6, 12], flipped, times 3
  assert.equal(arr(x.grad), [-18, -36]);
  assert.is(y.grad, null, 'a non-leaf keeps no .grad without retainGrad');
});

hooks('a hook that returns nothing observes without changing; several hooks run in order', () => {
  const x = leaf([1, 2]);
  const order: string[] = [];
  x.registerHook(() => { order.push('first'); });
  x.registerHook((g) => { order.push('second'); return g.add(1); });
  x.registerHook((g) => { order.push(`third sees ${(g.toArray() as number[]).join(',')}`); });
  x.sum().backward();
  assert.equal(order, ['first', 'second', 'third sees 2,2']);
  assert.equal(arr(x.grad), [2, 2]);
});

hooks('a hook on a tensor used twice sees the summed gradient once', () => {
  const x = leaf([1, 2]);
  const y = x.mul(1);
  const calls: unknown[] = [];
  y.registerHook((g) => { calls.push(g.toArray()); });
  y.add(y.mul(2)).sum().backward();
  assert.equal(calls, [[3, 3]]);
});

hooks('retainGrad keeps .grad on a non-leaf (and is a no-op on a leaf)', () => {
  const x = leaf([1, 2, 3]);
  const h = x.mul(2).retainGrad();
  const z = h.mul(h).sum();
  z.backward();
  assert.equal(arr(h.grad), [4, 8, 12], 'dz/dh = 2h');
  assert.equal(arr(x.grad), [8, 16, 24]);
  assert.ok(x.retainGrad() === x);
  assert.is(x.mul(2).grad, null);
});

hooks('retainGrad accumulates across backward calls like a leaf', () => {
  const x = leaf([1, 2]);
  const h = x.mul(2).retainGrad();
  const z = h.sum();
  z.backward(null, { retainGraph: true });
  z.backward();
  assert.equal(arr(h.grad), [2, 2]);
});

hooks.run();

// ---------------------------------------------------------------- grad modes and bookkeeping
const graph = suite('grad modes and graph bookkeeping');

graph('noGrad records nothing, enableGrad records inside it, and modes nest and restore', () => {
  const x = leaf([1, 2]);
  const y = noGrad(() => x.mul(2));
  assert.ok(!y.requiresGrad && y.gradFn === null);
  const z = noGrad(() => enableGrad(() => x.mul(2)));
  assert.ok(z.requiresGrad && z.gradFn !== null);
  assert.ok(isGradEnabled());
  try { noGrad(() => { throw new Error('boom'); }); } catch { /* the mode is restored even on a throw */ }
  assert.ok(isGradEnabled());
});

graph('gradFn names read like PyTorch\'s, and isLeaf / detach behave as in PyTorch', () => {
  const x = leaf([[1, 2], [3, 4]]);
  assert.is(x.mul(2).gradFn!.name, 'MulBackward0');
  assert.is(x.add(2).gradFn!.name, 'AddBackward0');
  assert.is(x.sum().gradFn!.name, 'SumBackward0');
  assert.is(x.matmul(x).gradFn!.name, 'MmBackward0');
  assert.is(x.t().gradFn!.name, 'PermuteBackward0');
  assert.ok(x.mul(2).toString().includes('grad_fn=<MulBackward0>'));
  assert.ok(x.toString().includes('requires_grad=True'));
  assert.ok(x.isLeaf && !x.mul(2).isLeaf && f64([1]).isLeaf);
  const d = x.mul(2).detach();
  assert.ok(d.isLeaf && !d.requiresGrad);
});

graph('gradients accumulate across calls and grad = null resets them (the book\'s −0.0001 steps)', () => {
  const x = leaf([3]);
  for (let i = 1; i <= 3; i++) {
    x.mul(-0.0001).sum().backward();
    assert.ok(Math.abs(x.grad!.item() + 0.0001 * i) < 1e-15, `after ${i} calls: ${x.grad!.item()}`);
  }
  x.grad = null;
  x.mul(x).sum().backward();
  assert.equal(arr(x.grad), [6]);
});

graph('zeros(…).requiresGrad_() and a detached copy cut the graph', () => {
  const w = zeros([2], { dtype: 'float64' }).requiresGrad_();
  const y = w.add(1).detach().mul(w);
  y.sum().backward();
  assert.equal(arr(w.grad), [1, 1]);
});

graph.run();
