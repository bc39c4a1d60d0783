// ConvTranspose2d against PyTorch (test/fixtures/conv-transpose.json, from
// scripts/fixtures/conv_transpose.py) on every backend: output, input gradient and parameter
// gradients after backward with torch's upstream gradient. Then gradcheck in float64, the identity
// that makes it the transpose of conv2d (⟨conv2d(x), y⟩ = ⟨x, convTranspose2d(y)⟩), the
// initialisation bounds and the errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, gradcheck, randn, ShapeError, type Tensor } from 'groundup';
import { ConvTranspose2d, F, torchKey } from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';
import { describeBackends } from '../helpers/backends.ts';
import { close, dec, readFixture, type TensorJson } from './helpers/fixtures.ts';

type Pair = number | [number, number];
interface Cfg { in: number; out: number; k: Pair; stride?: Pair; padding?: Pair; outputPadding?: Pair; bias?: boolean; dtype?: 'float64' }
interface Case { name: string; config: Cfg; state: Record<string, TensorJson>; input: TensorJson; gradOutput: TensorJson; output: TensorJson; gradInput: TensorJson; gradParams: Record<string, TensorJson> }
const fx = readFixture<{ cases: Case[] }>('conv-transpose.json');

describeBackends('nn: ConvTranspose2d vs PyTorch', (test) => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const k = c.config;
      const m = new ConvTranspose2d(k.in, k.out, k.k, { stride: k.stride ?? 1, padding: k.padding ?? 0, outputPadding: k.outputPadding ?? 0, bias: k.bias ?? true, dtype: k.dtype ?? 'float32' });
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([key, v]) => [key, dec(v)])));
      const x = dec(c.input).requiresGrad_();
      const y = m.call(x);
      close(y, c.output, 'output');
      y.backward(dec(c.gradOutput));
      close(x.grad, c.gradInput, 'input gradient');
      assert.equal(m.namedParameters().map(([n]) => torchKey(n)), Object.keys(c.gradParams));
      for (const [n, p] of m.namedParameters()) close(p.grad, c.gradParams[torchKey(n)]!, `gradient of ${n}`);
    });
  }
});

const more = suite('nn: ConvTranspose2d gradcheck, transpose identity, init, errors');
const gen = new Generator(3);
const R = (...s: number[]): Tensor => randn(s, { dtype: 'float64', generator: gen }).requiresGrad_();
more('gradcheck (float64): input, weight and bias, with stride, padding and output padding', () => {
  assert.ok(gradcheck((x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [R(2, 2, 3, 3), R(2, 3, 3, 3), R(3)]));
  assert.ok(gradcheck((x, w) => F.convTranspose2d(x, w, null, { stride: [1, 2], padding: [1, 0] }), [R(1, 3, 4, 3), R(3, 2, 2, 3)]));
});
more('it is the adjoint of conv2d with the same weight: ⟨conv2d(x, w), y⟩ = ⟨x, convTranspose2d(y, w)⟩', () => {
  const x = randn([2, 3, 9, 8], { dtype: 'float64' }), w = randn([4, 3, 3, 3], { dtype: 'float64' });
  const y = randn(F.conv2d(x, w, null, { stride: 2, padding: 1 }).shape, { dtype: 'float64' });
  const lhs = F.conv2d(x, w, null, { stride: 2, padding: 1 }).mul(y).sum().item();
  const up = F.convTranspose2d(y, w, null, { stride: 2, padding: 1, outputPadding: [0, 1] });
  assert.equal([...up.shape], [2, 3, 9, 8]);
  assert.ok(Math.abs(lhs - up.mul(x).sum().item()) < 1e-9 * Math.abs(lhs) + 1e-9);
});
more('init: U(±1/√(out·kh·kw)) for weight and bias, PyTorch\'s fan-in of a transposed conv; repr', () => {
  const m = new ConvTranspose2d(16, 8, 3);
  const bound = 1 / Math.sqrt(8 * 9);
  for (const p of m.parameters()) assert.ok(Array.from(p.dataSync()).every((v) => Math.abs(v) <= bound));
  assert.ok(m.weight.abs().max().item() > 0.9 * bound);
  assert.is(String(new ConvTranspose2d(7, 14, 5, { stride: 2, padding: 2, outputPadding: 1, bias: false })),
    'ConvTranspose2d(7, 14, kernel_size=(5, 5), stride=(2, 2), padding=(2, 2), output_padding=(1, 1), bias=False)');
});
more('errors name the shapes', () => {
  throwsNamed(() => new ConvTranspose2d(3, 2, 3).call(randn(1, 4, 5, 5)), ShapeError, '4 channels', 'expects 3', '[in, out, kh, kw]');
  throwsNamed(() => new ConvTranspose2d(3, 2, 3, { stride: 2, outputPadding: 2 }).call(randn(1, 3, 5, 5)), ShapeError, 'smaller than the stride');
  throwsNamed(() => new ConvTranspose2d(3, 2, 3, { padding: 3 }).call(randn(1, 3, 1, 1)), ShapeError, 'less padding');
  throwsNamed(() => new ConvTranspose2d(3, 2, 0), ShapeError, 'positive integers');
});
more.run();
