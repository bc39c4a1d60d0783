// init: fans and gains as torch.nn.init, and the statistics of each initialiser on large weights
// (within a few percent); the layers' default initialisation (PyTorch's bounds); no graph is
// recorded; the same seed gives the same weights.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { empty, Generator, manualSeed, zeros, ShapeError, type Tensor } from 'groundup';
import { BatchNorm2d, Conv2d, Embedding, Linear, Parameter, init } from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';

const stats = (t: Tensor): { mean: number; std: number; min: number; max: number } =>
  ({ mean: t.mean().item(), std: t.std().item(), min: t.min().item(), max: t.max().item() });
const within = (got: number, want: number, rel: number, label: string): void =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${label}: ${got} vs ${want} (±${rel * 100}%)`);

const fans = suite('nn: init fans and gains');
fans('calculateGain and calculateFanInAndFanOut follow torch.nn.init', () => {
  assert.is(init.calculateGain('relu'), Math.SQRT2);
  assert.is(init.calculateGain('tanh'), 5 / 3);
  assert.is(init.calculateGain('linear'), 1);
  assert.is(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.is(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.equal(init.calculateFanInAndFanOut(zeros(30, 784)), [784, 30]);
  assert.equal(init.calculateFanInAndFanOut(zeros(8, 4, 3, 3)), [36, 72]);
  throwsNamed(() => init.kaimingNormal_(zeros(5)), ShapeError, 'fewer than 2 dims');
  throwsNamed(() => init.kaimingNormal_(zeros(5, 5), { mode: 'fan_avg' as 'fan_in' }), RangeError, "'fan_in' or 'fan_out'");
});
fans.run();

const dist = suite('nn: init statistics');
const W = (): Parameter => new Parameter(empty(256, 512));
dist('kaimingNormal_: std √2/√fan_in, or fan_out; relu gain', () => {
  manualSeed(0);
  const a = stats(init.kaimingNormal_(W(), { nonlinearity: 'relu' }));
  within(a.std, Math.sqrt(2 / 512), 0.02, 'std fan_in');
  assert.ok(Math.abs(a.mean) < 0.002);
  within(stats(init.kaimingNormal_(W(), { mode: 'fan_out', nonlinearity: 'relu' })).std, Math.sqrt(2 / 256), 0.02, 'std fan_out');
  within(stats(init.kaimingNormal_(W(), { a: 1 })).std, 1 / Math.sqrt(512), 0.02, 'leaky_relu a = 1');
});
dist('kaimingUniform_: U(−b, b), b = gain·√(3/fan)', () => {
  const b = Math.SQRT2 * Math.sqrt(3 / 512);
  const s = stats(init.kaimingUniform_(W()));
  assert.ok(s.max <= b && s.min >= -b && s.max > 0.99 * b && s.min < -0.99 * b);
  within(s.std, b / Math.sqrt(3), 0.02, 'std');
});
dist('xavierNormal_ and xavierUniform_ with gain', () => {
  within(stats(init.xavierNormal_(W())).std, Math.sqrt(2 / 768), 0.02, 'xavier normal');
  const b = 2 * Math.sqrt(6 / 768);
  const s = stats(init.xavierUniform_(W(), { gain: 2 }));
  assert.ok(s.max <= b && s.min >= -b);
  within(s.std, b / Math.sqrt(3), 0.02, 'xavier uniform std');
});
dist('zeros_, ones_, constant_, normal_, uniform_ fill in place without recording a graph', () => {
  const p = W();
  assert.is(init.zeros_(p), p);
  assert.is(p.abs().sum().item(), 0);
  assert.is(init.ones_(p).sum().item(), 256 * 512);
  assert.is(init.constant_(p, 0.5).mean().item(), 0.5);
  const n = stats(init.normal_(p, 3, 0.5));
  within(n.mean, 3, 0.01, 'normal mean');
  within(n.std, 0.5, 0.02, 'normal std');
  const u = stats(init.uniform_(p, -2, -1));
  assert.ok(u.min >= -2 && u.max < -1);
  assert.ok(p.isLeaf && p.grad === null && p.requiresGrad);
});
dist('the same seed or generator gives the same weights', () => {
  manualSeed(42);
  const a = new Linear(10, 5);
  manualSeed(42);
  const b = new Linear(10, 5);
  assert.ok(a.weight.equal(b.weight) && a.bias!.equal(b.bias!));
  assert.ok(init.normal_(zeros(4), 0, 1, new Generator(1)).equal(init.normal_(zeros(4), 0, 1, new Generator(1))));
});
dist.run();

const layers = suite('nn: default initialisation of the layers');
layers('Linear and Conv2d: U(−1/√fan_in, 1/√fan_in) for weight and bias (kaiming_uniform with a = √5)', () => {
  manualSeed(5);
  const l = new Linear(400, 300);
  const b = 1 / Math.sqrt(400);
  const s = stats(l.weight);
  assert.ok(s.max <= b && s.min >= -b && s.max > 0.99 * b);
  within(s.std, b / Math.sqrt(3), 0.02, 'linear weight std');
  const bs = stats(l.bias!);
  assert.ok(bs.max <= b && bs.min >= -b);
  const c = new Conv2d(16, 64, 3);
  const cb = 1 / Math.sqrt(16 * 9);
  const cs = stats(c.weight);
  assert.ok(cs.max <= cb && cs.min >= -cb && cs.max > 0.99 * cb);
  assert.ok(stats(c.bias!).max <= cb);
});
layers('Embedding N(0, 1) with a zero padding row; BatchNorm weight 1, bias 0, running stats 0 and 1', () => {
  const e = stats(new Embedding(1000, 64).weight);
  within(e.std, 1, 0.02, 'embedding std');
  const ep = new Embedding(10, 4, { paddingIdx: -1 });
  assert.is(ep.paddingIdx, 9);
  assert.is(ep.weight.at(9).abs().sum().item(), 0);
  const bn = new BatchNorm2d(3);
  assert.equal(bn.weight!.toFlatArray(), [1, 1, 1]);
  assert.equal(bn.bias!.toFlatArray(), [0, 0, 0]);
  assert.equal(bn.runningMean!.toFlatArray(), [0, 0, 0]);
  assert.equal(bn.runningVar!.toFlatArray(), [1, 1, 1]);
  assert.is(bn.numBatchesTracked!.item(), 0);
});
layers.run();
