// Parity with torch.optim: every case of test/fixtures/optim.json (scripts/fixtures/optim.py,
// torch 1.13) takes the same 10 steps on the same tiny linear regression here, and the
// parameters after each step must match: to 1e-13 in float64, 1e-5 in float32.
import { readFileSync } from 'node:fs';
import { tensor, type DType, type Tensor } from '@groundup/tensor';
import { Adam, RMSProp, SGD, type Optimizer } from '@groundup/optim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

interface Step { loss: number; W: number[]; b: number[] }
interface Case {
  name: string;
  ts: { cls: 'SGD' | 'RMSProp' | 'Adam'; options: Record<string, unknown> };
  groups?: Record<string, number>[];
  lrs?: number[];
  float64: Step[];
  float32: Step[];
}
interface Fixture { N: number; X: number[][]; Y: number[][]; W0: number[][]; b0: number[]; cases: Case[] }

const fx = JSON.parse(readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8')) as Fixture;

function build(c: Case, W: Tensor, b: Tensor): Optimizer {
  const params = c.groups ? [{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }] : [W, b];
  // The fixture's options are the TS options of each class, written by the Python script.
  const o = c.ts.options as never;
  switch (c.ts.cls) {
    case 'SGD': return new SGD(params, o);
    case 'RMSProp': return new RMSProp(params, o);
    case 'Adam': return new Adam(params, o);
  }
}

function close(got: Tensor, want: number[], tol: number, what: string): void {
  const g = got.toFlatArray() as number[];
  assert.is(g.length, want.length);
  g.forEach((v, i) => {
    const err = Math.abs(v - want[i]!) / Math.max(1, Math.abs(want[i]!));
    assert.ok(err <= tol, `${what}[${i}]: got ${v}, torch ${want[i]} (error ${err.toExponential(2)} > ${tol})`);
  });
}

for (const dtype of ['float64', 'float32'] as const satisfies readonly DType[]) {
  const tol = dtype === 'float64' ? 1e-13 : 1e-5; // measured: 1.1e-16 and 2.8e-7
  const s = suite(`optim parity with torch.optim (${dtype})`);
  for (const c of fx.cases) {
    s(`${c.name}: ${fx.N} steps`, () => {
      const X = tensor(fx.X, { dtype }), Y = tensor(fx.Y, { dtype });
      const W = tensor(fx.W0, { dtype }).requiresGrad_(), b = tensor(fx.b0, { dtype }).requiresGrad_();
      const opt = build(c, W, b);
      c[dtype].forEach((want, i) => {
        if (c.lrs) opt.setHyper('lr', c.lrs[i]!);
        opt.zeroGrad();
        const loss = X.matmul(W.t()).add(b).sub(Y).pow(2).mean();
        loss.backward();
        opt.step();
        assert.ok(Math.abs(loss.item() - want.loss) <= tol * Math.max(1, Math.abs(want.loss)), `step ${i} loss ${loss.item()} vs ${want.loss}`);
        close(W, want.W, tol, `step ${i} W`);
        close(b, want.b, tol, `step ${i} b`);
      });
    });
  }
  s.run();
}
