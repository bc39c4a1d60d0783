// fastai ch4, "Stochastic Gradient Descent": the exact gradient values of shared/book/fastai.md
// §16.1 item 5 and the quadratic-fitting ("speed") demo.
import { arange, manualSeed, noGrad, randn, tensor, type Tensor } from 'groundup';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const grads = suite('ch4 calculating gradients');
grads('x² at 3 → grad 6', () => {
  const x = tensor(3).requiresGrad_();
  const y = x.pow(2);
  assert.is(String(y), 'tensor(9., grad_fn=<PowBackward0>)');
  y.backward();
  assert.is(x.grad!.item(), 6);
});
grads('Σx² at [3, 4, 10] → 125 and grads [6, 8, 20]', () => {
  const x = tensor([3, 4, 10]).requiresGrad_();
  const y = x.pow(2).sum();
  assert.is(y.item(), 125);
  assert.is(String(y), 'tensor(125., grad_fn=<SumBackward0>)');
  y.backward();
  assert.equal(x.grad!.toArray(), [6, 8, 20]);
});
grads('2x³ + 3x² + 4x + 1: grad 26.5 at 1.5; Σ at [3,4,10] = 2628 with grads [76, 124, 664]', () => {
  const f = (x: Tensor): Tensor => x.pow(3).mul(2).add(x.pow(2).mul(3)).add(x.mul(4)).add(1);
  const a = tensor(1.5).requiresGrad_();
  f(a).backward();
  assert.is(a.grad!.item(), 26.5);
  const v = tensor([3, 4, 10]).requiresGrad_();
  const s = f(v).sum();
  assert.is(s.item(), 2628);
  s.backward();
  assert.equal(v.grad!.toArray(), [76, 124, 664]);
});
grads('gradients accumulate across backward calls until reset', () => {
  const x = tensor([1, 2]).requiresGrad_();
  x.mul(3).sum().backward();
  x.mul(3).sum().backward();
  assert.equal(x.grad!.toArray(), [6, 6]);
  x.grad = null;
  x.mul(3).sum().backward();
  assert.equal(x.grad!.toArray(), [3, 3]);
});
grads.run();

const sgd = suite('ch4 an end-to-end SGD example');
sgd('the quadratic fit to the roller-coaster speed converges (lr 1e-5, .data-style updates in noGrad)', () => {
  manualSeed(42);
  const time = arange(0, 20).float();
  const speed = randn(20).mul(3).add(time.sub(9.5).pow(2).mul(0.75)).add(1);
  const f = (t: Tensor, params: Tensor): Tensor => {
    const [a, b, c] = [params.at(0), params.at(1), params.at(2)];
    return a.mul(t.pow(2)).add(b.mul(t)).add(c);
  };
  const mse = (preds: Tensor, targets: Tensor): Tensor => preds.sub(targets).pow(2).mean();
  const params = randn(3).requiresGrad_();
  const losses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const loss = mse(f(time, params), speed);
    loss.backward();
    noGrad(() => params.sub_(params.grad!.mul(1e-5)));
    params.grad = null;
    losses.push(loss.item());
  }
  assert.ok(losses.every((l, i) => i === 0 || l <= losses[i - 1]! + 1e-3), `the loss falls every step: ${losses.map((l) => l.toFixed(1))}`);
  assert.ok(losses[9]! < losses[0]! / 3, `from ${losses[0]} to ${losses[9]}`);
});
sgd.run();
