// Every layer against PyTorch (test/fixtures/nn.json, from scripts/fixtures/nn.py): the layer is
// built with the case's config, loaded with torch's state dict, run forward in train or eval
// mode, then backward with torch's upstream gradient; the output, the input gradient, every
// parameter gradient and the state after (BatchNorm's running stats) must match. BatchNorm also
// runs several training steps and an eval forward. Linear and Conv2d run on every backend.
// Then Dropout's statistics (no torch stream to compare with), and the layers' error messages.
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, manualSeed, noGrad, ones, randn, tensor, zeros, DTypeError, IndexError, ShapeError, type Tensor } from 'groundup';
import {
  AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Embedding, Flatten, Linear, MaxPool2d, ReLU, Sigmoid, Tanh,
  F, torchKey, type AnyModule,
} from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';
import { describeBackends } from '../helpers/backends.ts';
import { close, dec, readFixture, type TensorJson } from './helpers/fixtures.ts';

type Cfg = Record<string, unknown>;
interface LayerCase {
  name: string; layer: string; config: Cfg; train?: boolean; steps?: boolean; state: Record<string, TensorJson>;
  input: TensorJson; gradOutput: TensorJson; output: TensorJson; gradInput: TensorJson | null;
  gradParams: Record<string, TensorJson>; stateAfter: Record<string, TensorJson>;
  inputs: TensorJson[]; outputs: TensorJson[]; statesAfter: Record<string, TensorJson>[]; evalInput: TensorJson; evalOutput: TensorJson;
}
interface FunctionalCase { name: string; input: TensorJson; output: TensorJson; gradOutput: TensorJson; gradInput: TensorJson }
const fx = readFixture<{ layers: LayerCase[]; functional: FunctionalCase[] }>('nn.json');

type Pair = number | [number, number];
function build(c: LayerCase): AnyModule {
  const k = c.config;
  const opt = <T>(key: string): T | undefined => (key in k ? (k[key] as T) : undefined);
  switch (c.layer) {
    case 'Linear': return new Linear(k.in as number, k.out as number, { bias: opt<boolean>('bias') ?? true });
    case 'Conv2d': return new Conv2d(k.in as number, k.out as number, k.k as Pair,
      { stride: opt<Pair>('stride') ?? 1, padding: opt<Pair>('padding') ?? 0, bias: opt<boolean>('bias') ?? true, dtype: opt<'float64'>('dtype') ?? 'float32' });
    case 'BatchNorm1d': case 'BatchNorm2d': {
      const o = { affine: opt<boolean>('affine') ?? true, trackRunningStats: opt<boolean>('trackRunningStats') ?? true, momentum: opt<number | null>('momentum') };
      return c.layer === 'BatchNorm1d' ? new BatchNorm1d(k.n as number, o) : new BatchNorm2d(k.n as number, o);
    }
    case 'MaxPool2d': return new MaxPool2d(k.k as Pair, { stride: opt<Pair>('stride') ?? null, padding: opt<Pair>('padding') ?? 0, ceilMode: opt<boolean>('ceilMode') ?? false });
    case 'AvgPool2d': return new AvgPool2d(k.k as Pair, {
      stride: opt<Pair>('stride') ?? null, padding: opt<Pair>('padding') ?? 0, ceilMode: opt<boolean>('ceilMode') ?? false, countIncludePad: opt<boolean>('countIncludePad') ?? true,
    });
    case 'AdaptiveAvgPool2d': return new AdaptiveAvgPool2d(k.size as Pair);
    case 'AdaptiveMaxPool2d': return new AdaptiveMaxPool2d(k.size as Pair);
    case 'Dropout': return new Dropout(k.p as number);
    case 'Flatten': return new Flatten();
    case 'ReLU': return new ReLU();
    case 'Sigmoid': return new Sigmoid();
    case 'Tanh': return new Tanh();
    case 'Embedding': return new Embedding(k.n as number, k.dim as number, { paddingIdx: opt<number>('paddingIdx') ?? null });
    default: throw new Error(`fixture: unknown layer ${c.layer}`);
  }
}

const load = (m: AnyModule, state: Record<string, TensorJson>): void => {
  m.loadStateDict(Object.fromEntries(Object.entries(state).map(([key, v]) => [key, dec(v)])));
};
const checkState = (m: AnyModule, want: Record<string, TensorJson>, label: string): void => {
  const sd = m.stateDict();
  assert.equal(Object.keys(sd).sort(), Object.keys(want).sort(), `${label}: state keys`);
  for (const [key, v] of Object.entries(want)) close(sd[key], v, `${label}: ${key}`);
};

function runCase(test: Test, c: LayerCase): void {
  test(c.name, () => {
    const m = build(c);
    load(m, c.state);
    if (c.steps) {
      m.train();
      c.inputs.forEach((xj, i) => {
        close(m.call(dec(xj)) as Tensor, c.outputs[i]!, `step ${i} output`);
        checkState(m, c.statesAfter[i]!, `step ${i}`);
      });
      m.eval();
      close(m.call(dec(c.evalInput)) as Tensor, c.evalOutput, 'eval output');
      return;
    }
    m.train(c.train ?? true);
    const x = dec(c.input);
    if (x.dtype !== 'int32') x.requiresGrad_();
    const y = m.call(x) as Tensor;
    close(y, c.output, 'output');
    y.backward(dec(c.gradOutput));
    if (c.gradInput) close(x.grad, c.gradInput, 'input gradient');
    for (const [name, p] of m.namedParameters()) close(p.grad, c.gradParams[torchKey(name)]!, `gradient of ${name}`);
    assert.equal(m.namedParameters().map(([n]) => torchKey(n)).sort(), Object.keys(c.gradParams).sort(), 'parameter names');
    checkState(m, c.stateAfter, 'state after');
  });
}

const KERNELS = new Set(['Linear', 'Conv2d']);
describeBackends('nn: Linear and Conv2d vs PyTorch', (test) => {
  for (const c of fx.layers) if (KERNELS.has(c.layer)) runCase(test, c);
});

const others = suite('nn: layers vs PyTorch');
for (const c of fx.layers) if (!KERNELS.has(c.layer)) runCase(others, c);
others.run();

const fn = suite('nn: F activations vs PyTorch');
const FNS: Record<string, (x: Tensor) => Tensor> = {
  relu: F.relu, sigmoid: F.sigmoid, tanh: F.tanh, softmax: (x) => F.softmax(x, 1), logSoftmax: (x) => F.logSoftmax(x, 1),
  'logSoftmax dim 0': (x) => F.logSoftmax(x, 0), logsumexp: (x) => F.logsumexp(x, 1), softplus: (x) => F.softplus(x),
  'softplus beta 2 threshold 3': (x) => F.softplus(x, { beta: 2, threshold: 3 }),
};
for (const c of fx.functional) {
  fn(c.name, () => {
    const x = dec(c.input).requiresGrad_();
    const y = FNS[c.name]!(x);
    close(y, c.output, 'output');
    y.backward(dec(c.gradOutput));
    close(x.grad, c.gradInput, 'input gradient');
  });
}
fn.run();

// ---------------------------------------------------------------- dropout
const drop = suite('nn: Dropout');

drop('inverted: about p of the values are zeroed, the rest scaled by 1/(1 − p); the mean is kept', () => {
  manualSeed(11);
  const y = new Dropout(0.3).call(ones(200, 500));
  const v = Array.from(y.dataSync());
  const zerosFrac = v.filter((a) => a === 0).length / v.length;
  assert.ok(Math.abs(zerosFrac - 0.3) < 0.01, `zero fraction ${zerosFrac}`);
  assert.ok(v.every((a) => a === 0 || Math.abs(a - 1 / 0.7) < 1e-6));
  assert.ok(Math.abs(y.mean().item() - 1) < 0.02);
});

drop('off in eval (the same tensor back); p = 0 and p = 1; the gradient is the mask', () => {
  const d = new Dropout(0.5);
  const x = randn(4, 4).requiresGrad_();
  d.eval();
  assert.is(d.call(x), x);
  assert.is(F.dropout(x, 0), x);
  assert.is(F.dropout(x, 1).abs().sum().item(), 0);
  d.train();
  const y = d.call(x);
  y.sum().backward();
  const mask = y.detach().ne(0);
  assert.ok(x.grad!.allclose(mask.float().mul(2)));
  throwsNamed(() => new Dropout(1.5), RangeError, 'between 0 and 1');
});

drop('masks come from the seeded generator: the same seed gives the same mask', () => {
  const a = new Dropout(0.5, { generator: new Generator(5) }).call(ones(50));
  const b = new Dropout(0.5, { generator: new Generator(5) }).call(ones(50));
  assert.ok(a.equal(b));
  manualSeed(3);
  const c = F.dropout(ones(50), 0.5);
  manualSeed(3);
  assert.ok(c.equal(F.dropout(ones(50), 0.5)));
});

// ---------------------------------------------------------------- errors
const errs = suite('nn: layer errors name the shapes and the fix');

errs('Linear and Conv2d', () => {
  throwsNamed(() => new Linear(784, 30).call(randn(64, 28, 28)), ShapeError, 'in_features = 784', '[64,28,28]', 'view(-1, 784)');
  throwsNamed(() => new Conv2d(3, 8, 3).call(randn(2, 1, 8, 8)), ShapeError, '1 channels');
  throwsNamed(() => new Conv2d(3, 8, 2, { padding: 'same' }), ShapeError, 'odd');
  assert.equal([...noGrad(() => new Conv2d(3, 8, 5, { padding: 'same' }).call(randn(1, 3, 9, 7))).shape], [1, 8, 9, 7]);
});

errs('BatchNorm', () => {
  throwsNamed(() => new BatchNorm2d(3).call(randn(2, 3, 4)), ShapeError, 'BatchNorm2d', '4D', '[2,3,4]');
  throwsNamed(() => new BatchNorm2d(3).call(randn(2, 4, 2, 2)), ShapeError, '4 channels', 'built for 3');
  throwsNamed(() => new BatchNorm1d(3).call(randn(1, 3)), ShapeError, 'more than 1 value per channel');
  const bn = new BatchNorm1d(3).eval();
  assert.equal([...bn.call(randn(1, 3)).shape], [1, 3], 'eval works on a batch of one');
});

errs('pools and embeddings', () => {
  throwsNamed(() => F.maxPool2d(randn(1, 1, 2, 2), 3), ShapeError, 'larger than the padded input');
  throwsNamed(() => F.maxPool2d(randn(1, 1, 6, 6), 2, { padding: 2 }), ShapeError, 'at most half');
  throwsNamed(() => F.avgPool2d(randn(6, 6), 2), ShapeError, '[N,C,H,W]');
  throwsNamed(() => F.maxPool2d(tensor([[[[1]]]], { dtype: 'int32' }), 1), DTypeError, 'float');
  const e = new Embedding(4, 2);
  throwsNamed(() => e.call(tensor([0, 4], { dtype: 'int32' })), IndexError, 'index 4', '[0, 4)');
  throwsNamed(() => e.call(tensor([0, 1])), DTypeError, '.long()');
  assert.equal([...e.call(zeros([2, 3], { dtype: 'int32' })).shape], [2, 3, 2]);
});

errs('Embedding matches a one-hot matmul, with the same gradient (ch8)', () => {
  const e = new Embedding(5, 3);
  const idx = tensor([4, 1, 1, 0], { dtype: 'int32' });
  const y = e.call(idx);
  y.sum().backward();
  const w = e.weight.detach().clone().requiresGrad_();
  const oneHot = tensor([[0, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0]]);
  const y2 = oneHot.matmul(w);
  y2.sum().backward();
  assert.ok(y.allclose(y2));
  assert.ok(e.weight.grad!.allclose(w.grad!));
});

for (const s of [drop, errs]) s.run();
