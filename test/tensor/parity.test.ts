// Parity with PyTorch: every case of test/fixtures/tensor_ops.json, one uvu test per case (see
// helpers/parity-case.ts for how a case is rebuilt and compared). The kernel-backed families
// (matmul, einsum, conv2d, unfold) run once per available backend.
import { readFileSync } from 'node:fs';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';
import { checkCase, KERNEL_FAMILIES, type Case, type Fixture } from '../helpers/parity-case.ts';

const fx = JSON.parse(readFileSync(new URL('../fixtures/tensor_ops.json', import.meta.url), 'utf8')) as Fixture;

const register = (s: Test, cases: readonly Case[]): void => { for (const c of cases) s(c.name, () => checkCase(c)); };

const main = suite('parity');
main('the fixture holds ≥ 300 cases across the op families', () => {
  assert.ok(fx.cases.length >= 300, `${fx.cases.length} cases`);
  const fams = new Set(fx.cases.map((c) => c.family));
  for (const f of ['broadcast', 'promotion', 'noncontig', 'reduce', 'index', 'setitem', 'views', 'matmul', 'einsum', 'conv2d', 'join'])
    assert.ok(fams.has(f), `family ${f} missing`);
});
register(main, fx.cases.filter((c) => !KERNEL_FAMILIES.has(c.family)));
main.run();

describeBackends('parity kernels', (test) => register(test, fx.cases.filter((c) => KERNEL_FAMILIES.has(c.family))));
