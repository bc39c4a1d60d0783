// The everyday layers against PyTorch (test/fixtures/layers.json, from scripts/fixtures/layers.py):
// LayerNorm, GroupNorm, LeakyReLU, GELU, SiLU, Softplus, Conv1d, Unflatten and Dropout2d (eval),
// each built from the case's config, loaded with torch's state dict, run forward and backward with
// torch's upstream gradient; the output, input and parameter gradients and the repr must match.
// F.pad in every mode likewise. Conv1d runs on every backend (it is conv2d's kernels). Then
// float64 gradcheck, Dropout2d's statistics, ModuleDict, and the errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, gradcheck, OpError, randn, ShapeError, tensor, IndexError, DTypeError, type Tensor } from 'groundup';
import {
  Conv1d, Dropout2d, GELU, GroupNorm, LayerNorm, LeakyReLU, Linear, ModuleDict, ReLU, SiLU, Softplus, Unflatten, F, torchKey, type AnyModule,
} from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';
import { describeBackends } from '../helpers/backends.ts';
import { close, dec, readFixture, type TensorJson } from './helpers/fixtures.ts';

type Cfg = Record<string, unknown>;
interface LayerCase {
  name: string; layer: string; config: Cfg; train: boolean; repr: string; state: Record<string, TensorJson>;
  input: TensorJson; gradOutput: TensorJson; output: TensorJson; gradInput: TensorJson; gradParams: Record<string, TensorJson>;
}
interface PadCase { name: string; pad: number[]; mode: F.PadMode; value: number; input: TensorJson; gradOutput: TensorJson; output: TensorJson; gradInput: TensorJson }
const fx = readFixture<{ layers: LayerCase[]; pads: PadCase[] }>('layers.json');

function build(c: LayerCase): AnyModule {
  const k = c.config as Record<string, never>;
  const dtype = k.dtype === 'float64' ? 'float64' as const : 'float32' as const;
  switch (c.layer) {
    // Defaults are left to the layer, so that they are checked too.
    case 'LayerNorm': return new LayerNorm(k.shape!, { ...(k.eps ? { eps: k.eps } : {}), ...(k.affine === false ? { elementwiseAffine: false } : {}), dtype });
    case 'GroupNorm': return new GroupNorm(k.groups!, k.channels!, { ...(k.eps ? { eps: k.eps } : {}), ...(k.affine === false ? { affine: false } : {}), dtype });
    case 'LeakyReLU': return k.slope ? new LeakyReLU(k.slope) : new LeakyReLU();
    case 'GELU': return k.approximate ? new GELU(k.approximate) : new GELU();
    case 'SiLU': return new SiLU();
    case 'Softplus': return k.beta ? new Softplus(k.beta, k.threshold) : new Softplus();
    case 'Conv1d': return new Conv1d(k.in!, k.out!, k.k!, { stride: k.stride ?? 1, padding: k.padding ?? 0, bias: k.bias ?? true, dtype });
    case 'Unflatten': return new Unflatten(k.dim!, k.size!);
    case 'Dropout2d': return new Dropout2d(k.p);
    default: throw new Error(`fixture: unknown layer ${c.layer}`);
  }
}

function check(c: LayerCase): void {
  const m = build(c);
  m.train(c.train);
  assert.is(String(m), c.repr, 'repr');
  m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([key, v]) => [key, dec(v)])));
  const x = dec(c.input).requiresGrad_();
  const y = m.call(x) as Tensor;
  close(y, c.output, 'output');
  y.backward(dec(c.gradOutput));
  close(x.grad, c.gradInput, 'input gradient');
  assert.equal(m.namedParameters().map(([n]) => torchKey(n)), Object.keys(c.gradParams));
  for (const [n, p] of m.namedParameters()) close(p.grad, c.gradParams[torchKey(n)]!, `gradient of ${n}`);
}

const parity = suite('nn: everyday layers vs PyTorch');
for (const c of fx.layers.filter((l) => l.layer !== 'Conv1d')) parity(c.name, () => check(c));
for (const c of fx.pads) {
  parity(c.name, () => {
    const x = dec(c.input).requiresGrad_();
    const y = F.pad(x, c.pad, c.mode, c.value);
    close(y, c.output, 'output');
    y.backward(dec(c.gradOutput));
    close(x.grad, c.gradInput, 'input gradient');
  });
}
parity.run();

describeBackends('nn: Conv1d vs PyTorch', (test) => {
  for (const c of fx.layers.filter((l) => l.layer === 'Conv1d')) test(c.name, () => check(c));
});

// ---------------------------------------------------------------- gradcheck
const grads = suite('nn: everyday layers gradcheck (float64)');
const gen = new Generator(16);
const R = (...s: number[]): Tensor => randn(s, { dtype: 'float64', generator: gen }).requiresGrad_();
const RS = (scale: number, ...s: number[]): Tensor => randn(s, { dtype: 'float64', generator: gen }).mul(scale).detach().requiresGrad_();

grads('layerNorm and groupNorm: input, weight and bias', () => {
  assert.ok(gradcheck((x, w, b) => F.layerNorm(x!, [3, 4], w, b, 1e-5), [R(2, 3, 4), R(3, 4), R(3, 4)]));
  assert.ok(gradcheck((x) => F.layerNorm(x!, 5), [R(3, 5)]));
  assert.ok(gradcheck((x, w, b) => F.groupNorm(x!, 2, w, b), [R(2, 4, 3, 2), R(4), R(4)]));
  assert.ok(gradcheck((x) => F.groupNorm(x!, 3), [R(2, 6, 4)]));
});
grads('leakyRelu, gelu (both forms), silu, softplus', () => {
  const x = RS(3, 4, 5);
  assert.ok(gradcheck((a) => F.leakyRelu(a!, 0.2), [x]));
  assert.ok(gradcheck((a) => F.gelu(a!), [x]));
  assert.ok(gradcheck((a) => F.gelu(a!, { approximate: 'tanh' }), [x]));
  assert.ok(gradcheck((a) => F.silu(a!), [x]));
  assert.ok(gradcheck((a) => F.softplus(a!, { beta: 2, threshold: 3 }), [x]));
  assert.ok(gradcheck((a) => F.gelu(a!.t()), [RS(3, 5, 4)]), 'strided');
});
grads('conv1d: input, weight and bias with stride, padding and same padding of an even kernel', () => {
  assert.ok(gradcheck((x, w, b) => F.conv1d(x!, w!, b, { stride: 2, padding: 1 }), [R(2, 3, 9), R(4, 3, 3), R(4)]));
  assert.ok(gradcheck((x, w) => F.conv1d(x!, w!, null, { padding: 'same' }), [R(1, 2, 7), R(3, 2, 4)]));
  assert.ok(gradcheck((x, w) => F.conv1d(x!, w!), [R(2, 6), R(2, 2, 3)]), 'unbatched');
});
grads('pad in each mode, negative pads included', () => {
  const modes: [number[], F.PadMode][] = [[[-1, 2, 1, -1], 'constant'], [[2, 1, 1, 2], 'reflect'], [[3, 0, 1, 2], 'replicate'], [[1, 2, 2, 1], 'circular']];
  for (const [p, mode] of modes) assert.ok(gradcheck((x) => F.pad(x!, p, mode), [R(2, 3, 4)]), `${mode} ${p}`);
});
grads('dropout2d (a fixed mask) and Unflatten', () => {
  assert.ok(gradcheck((x) => F.dropout2d(x!, 0.5, { generator: new Generator(5) }), [R(2, 3, 2, 2)]));
  assert.ok(gradcheck((x) => new Unflatten(1, [2, 3]).call(x!), [R(2, 6)]));
});
grads.run();

// ---------------------------------------------------------------- Dropout2d
const drop = suite('nn: Dropout2d zeroes whole channels');
drop('in training each [H, W] map is all zero or all scaled by 1/(1 − p), about p of them zero; eval is the identity', () => {
  const m = new Dropout2d(0.3, { generator: new Generator(11) });
  const x = randn([50, 40, 3, 3], { generator: new Generator(2) }).abs().add(0.1);
  const y = m.call(x);
  const xs = x.dataSync(), ys = y.dataSync();
  let zeroed = 0;
  for (let c = 0; c < 50 * 40; c++) {
    const ratios = Array.from({ length: 9 }, (_, i) => ys[c * 9 + i]! / xs[c * 9 + i]!);
    const zero = ratios.every((r) => r === 0);
    if (zero) zeroed++;
    else ratios.forEach((r) => assert.ok(Math.abs(r - 1 / 0.7) < 1e-5, `channel ${c}: ratio ${r}, expected 1/0.7`));
  }
  const frac = zeroed / 2000; // binomial(2000, 0.3): sd ≈ 0.0102
  assert.ok(Math.abs(frac - 0.3) < 0.04, `zeroed fraction ${frac}`);
  m.eval();
  assert.is(m.call(x), x);
  assert.is(String(m), 'Dropout2d(p=0.3, inplace=False)');
});
drop('its gradient is the same mask; [N, C, L] inputs drop whole rows; p = 0 and p = 1', () => {
  const x = randn([4, 5, 6]).requiresGrad_();
  const y = F.dropout2d(x, 0.5, { generator: new Generator(3) });
  y.sum().backward();
  const yd = y.dataSync(), gd = x.grad!.dataSync();
  for (let r = 0; r < 20; r++) {
    const row = Array.from({ length: 6 }, (_, i) => gd[r * 6 + i]!);
    assert.ok(row.every((v) => v === 0) || row.every((v) => v === 2), `row ${r}: ${row}`);
    assert.ok(row[0] === 0 ? Array.from({ length: 6 }, (_, i) => yd[r * 6 + i]).every((v) => v === 0) : true);
  }
  assert.is(F.dropout2d(x, 0), x);
  assert.equal(Array.from(F.dropout2d(x, 1).dataSync()).every((v) => v === 0), true);
  throwsNamed(() => F.dropout2d(randn([3, 4]), 0.5), ShapeError, '[N, C, H, W]');
});
drop.run();

// ---------------------------------------------------------------- ModuleDict
const dict = suite('nn: ModuleDict');
dict('named children in insertion order, get/set/has/keys/values/items, state dict keys, repr', () => {
  const d = new ModuleDict({ b: new ReLU(), a: new Linear(2, 3) });
  assert.equal(d.keys(), ['b', 'a']);
  assert.is(d.length, 2);
  assert.ok(d.has('a') && !d.has('c'));
  assert.ok(d.get('a') instanceof Linear);
  assert.equal([...d], ['b', 'a']);
  assert.equal(d.items().map(([k, m]) => [k, m.constructor.name]), [['b', 'ReLU'], ['a', 'Linear']]);
  assert.equal(Object.keys(d.stateDict()), ['a.weight', 'a.bias']);
  assert.is(d.parameters().length, 2);
  assert.is(String(d), 'ModuleDict(\n  (b): ReLU()\n  (a): Linear(in_features=2, out_features=3, bias=True)\n)');
  d.set('c', new SiLU());
  d.set('b', new LeakyReLU(0.2)); // replacing keeps the position, as a Python dict does
  assert.equal(d.values().map((m) => m.constructor.name), ['LeakyReLU', 'Linear', 'SiLU']);
  assert.ok(d.pop('a') instanceof Linear);
  assert.equal(d.keys(), ['b', 'c']);
  assert.equal(Object.keys(d.stateDict()), []);
  d.set('a', new Linear(1, 1)); // a popped name added again goes last, as in a Python dict
  assert.equal(d.keys(), ['b', 'c', 'a']);
  assert.ok(d.pop('a') instanceof Linear && !('a' in d));
  assert.is(String(new ModuleDict()), 'ModuleDict()');
  d.clear();
  assert.is(d.length, 0);
});
dict('inside a model: the parent\'s state dict holds `dict.name.param`, and a missing key is an IndexError', () => {
  const model = new ModuleDict([['heads', new ModuleDict([['x', new Linear(1, 1)], ['y', new Linear(1, 2, { bias: false })]])]]);
  assert.equal(Object.keys(model.stateDict()), ['heads.x.weight', 'heads.x.bias', 'heads.y.weight']);
  throwsNamed(() => model.get('nope'), IndexError, 'nope', 'heads');
});
dict.run();

// ---------------------------------------------------------------- errors
const errors = suite('nn: everyday layers name the op, the shapes and the fix');
errors('shape and value errors', () => {
  throwsNamed(() => new LayerNorm(4).call(randn([2, 3])), ShapeError, 'layerNorm', '[*, 4]', '[2, 3]');
  throwsNamed(() => new GroupNorm(4, 6), ShapeError, 'divisible', '6 channels in 4 groups');
  throwsNamed(() => F.groupNorm(randn([2, 6, 3]), 4), ShapeError, '6 channels', '4 groups');
  throwsNamed(() => new GroupNorm(2, 4).call(randn([2, 3, 5])), ShapeError, '[N, 4, *]', '[2, 3, 5]');
  throwsNamed(() => new Conv1d(3, 2, 3).call(randn([1, 4, 9])), ShapeError, '4 channels', 'expects 3');
  throwsNamed(() => new Conv1d(3, 2, 3, { stride: 2, padding: 'same' }), ShapeError, "'same' needs stride 1");
  throwsNamed(() => F.conv1d(randn([1, 3, 4, 4]), randn([2, 3, 3])), ShapeError, '[N, C, L]', '[1, 3, 4, 4]');
  throwsNamed(() => F.pad(randn([2, 3]), [1, 2, 3]), ShapeError, 'pairs', 'length 3');
  throwsNamed(() => F.pad(randn([3]), [1, 1, 1, 1]), ShapeError, '2 dims', '[3]');
  throwsNamed(() => F.pad(randn([1, 2, 3]), [3, 0], 'reflect'), ShapeError, 'reflect', 'less than', 'size 3');
  throwsNamed(() => F.pad(randn([3]), [1, 1], 'replicate'), ShapeError, '2-D or 3-D');
  throwsNamed(() => F.pad(randn([1, 3]), [-2, -2]), ShapeError, 'negative size -1');
  throwsNamed(() => new Unflatten(1, [4, 2]).call(randn([3, 6])), ShapeError, 'Unflatten', 'multiply to 6', '[3, 6]');
  throwsNamed(() => new GELU('fast' as 'tanh'), OpError, "'none' or 'tanh'");
  throwsNamed(() => F.gelu(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'gelu', '.float()');
  throwsNamed(() => F.leakyRelu(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'leakyRelu');
});
errors('unbatched and 1-sized cases: Conv1d on [C, L], LayerNorm over all dims, Unflatten with -1', () => {
  const m = new Conv1d(2, 4, 3, { padding: 1 });
  assert.equal([...m.call(randn([2, 10])).shape], [4, 10]);
  assert.equal([...new Conv1d(2, 4, 4, { padding: 'same' }).call(randn([3, 2, 10])).shape], [3, 4, 10]);
  const y = F.layerNorm(randn([3, 4], { dtype: 'float64' }), [3, 4]);
  assert.ok(Math.abs(y.mean().item()) < 1e-12 && Math.abs(y.var(undefined, { unbiased: false }).item() - 1) < 1e-4);
  assert.equal([...new Unflatten(-1, [-1, 4]).call(randn([2, 12])).shape], [2, 3, 4]);
});
errors.run();
