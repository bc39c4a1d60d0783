// clipGradNorm_ and clipGradValue_ against torch.nn.utils (test/fixtures/clip_grad.json from
// scripts/fixtures/clip_grad.py, torch 1.13): the returned total norm and the gradients after.
import { readFileSync } from 'node:fs';
import { AutogradError, tensor, zeros, type DType, type Tensor } from 'groundup';
import { clipGradNorm_, clipGradValue_, Linear } from '@groundup/nn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

type Nested = number | Nested[];
interface Result { total?: number; after: number[][] }
interface Case {
  name: string; grads: Nested[]; fn: 'norm' | 'value';
  max_norm?: number; norm_type?: number | 'inf'; clip_value?: number;
  float32: Result; float64: Result;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/clip_grad.json', import.meta.url), 'utf8')) as { cases: Case[] };

function params(c: Case, dtype: DType): Tensor[] {
  return c.grads.map((g) => {
    const grad = tensor(g as number[], { dtype });
    const p = zeros([...grad.shape], { dtype }).requiresGrad_();
    p.grad = grad;
    return p;
  });
}

const near = (got: number, want: number, tol: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: got ${got}, torch ${want}`);

for (const dtype of ['float32', 'float64'] as const) {
  const tol = dtype === 'float32' ? 1e-6 : 1e-14;
  const s = suite(`nn: clip grads as torch.nn.utils (${dtype})`);
  for (const c of fx.cases) {
    s(c.name, () => {
      const ps = params(c, dtype);
      const want = c[dtype];
      if (c.fn === 'norm') {
        const total = clipGradNorm_(ps, c.max_norm!, c.norm_type === 'inf' ? Infinity : c.norm_type!);
        assert.is(total.ndim, 0);
        near(total.item(), want.total!, tol, 'total norm');
      } else clipGradValue_(ps, c.clip_value!);
      ps.forEach((p, i) => {
        assert.is(p.grad!.dtype, dtype);
        (p.grad!.contiguous().toFlatArray() as number[]).forEach((v, j) => near(v, want.after[i]![j]!, tol, `param ${i} grad[${j}]`));
      });
    });
  }
  s.run();
}

const edge = suite('nn: clip grads edge cases');
edge('parameters without a gradient are skipped; none at all gives a total of 0', () => {
  const lin = new Linear(3, 2);
  assert.is(clipGradNorm_(lin.parameters(), 1).item(), 0);
  lin.weight.grad = tensor([[3, 0, 0], [0, 4, 0]]);
  const total = clipGradNorm_(lin.parameters(), 1);
  assert.is(total.item(), 5);
  assert.is(lin.bias!.grad, null);
  assert.ok(Math.abs(lin.weight.grad!.at(1, 1).item() - 4 / (5 + 1e-6)) < 1e-6);
  clipGradValue_(lin.parameters(), 0.5);
  assert.equal(lin.weight.grad!.toArray(), [[0.5, 0, 0], [0, 0.5, 0]].map((r) => r.map((v) => Math.fround(v))));
});
edge('one tensor works as well as a list', () => {
  const p = zeros(2).requiresGrad_();
  p.grad = tensor([6, 8]);
  assert.is(clipGradNorm_(p, 5).item(), 10);
  assert.ok(Math.abs(p.grad!.at(0).item() - 3) < 1e-5);
});
edge('a non-finite norm: scaled by NaN as torch does, or an AutogradError with errorIfNonfinite', () => {
  const p = zeros(2).requiresGrad_();
  p.grad = tensor([Infinity, 1]);
  assert.throws(() => clipGradNorm_(p, 1, 2, { errorIfNonfinite: true }), (e: Error) => e instanceof AutogradError && /errorIfNonfinite/.test(e.message));
  p.grad = tensor([Infinity, 1]);
  assert.is(clipGradNorm_(p, 1).item(), Infinity);
});
edge('bad arguments say what is wrong', () => {
  assert.throws(() => clipGradNorm_([], 1, 0), /normType must be positive/);
  assert.throws(() => clipGradNorm_([], -1), /maxNorm must be ≥ 0/);
  assert.throws(() => clipGradValue_([], -1), /clipValue must be ≥ 0/);
});
edge.run();
