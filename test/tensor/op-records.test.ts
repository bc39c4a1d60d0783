// Op records: each elementwise op is one record { name, expr, grad, saves, dtype } from which the
// function, the Tensor method, the compiled loop and the gradient derive. Here: adding an op takes
// one record (a test-only op gets all four, and gradcheck accepts its gradient); every built-in
// record has a PyTorch parity fixture and passes gradcheck on broadcast, strided and scalar
// operands; records lower to C for the kernels generated from them; malformed records are refused.
import { readFileSync } from 'node:fs';
import {
  builtInOps, defineOp, elementwiseOp, gradcheck, Generator, OpError, opRecords, rand, randn, tensor, toC, type OpMethod, type OpRecord, type Tensor,
} from '@groundup/tensor';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

// ---------------------------------------------------------------- one record makes an op
const one = suite('op records: a test-only op from one record');

const spec = {
  name: 'testSoftsign', arity: 1, expr: 'x / (1 + abs(x))', grad: ['g / ((1 + abs(x)) * (1 + abs(x)))'], saves: ['x'], dtype: 'float',
} as const;
const softsign = defineOp(spec);
/** The methods defineOp installed, typed from the record (a library would add them to Tensor by declaration merging). */
type WithSoftsign = Tensor & { testSoftsign: OpMethod<typeof spec>; testSoftsign_: OpMethod<typeof spec> };
const S = (t: Tensor): WithSoftsign => t as WithSoftsign;

one('it gets a function, a method and an in-place method with the right values', () => {
  const x = tensor([[-3, -0.5], [0, 2]]);
  const want = [-0.75, -1 / 3, 0, 2 / 3];
  for (const y of [softsign(x), S(x).testSoftsign()]) {
    assert.equal([...y.shape], [2, 2]);
    y.toFlatArray().forEach((v, i) => assert.ok(Math.abs((v as number) - want[i]!) < 1e-7, `${v} vs ${want[i]}`));
  }
  const z = x.clone();
  assert.is(S(z).testSoftsign_(), z);
  assert.ok(z.allclose(softsign(x)));
  // Integers give float32 (its dtype rule), as PyTorch's softsign does.
  assert.is(softsign(tensor([1, -2], { dtype: 'int32' })).dtype, 'float32');
});

one('its loop is compiled and runs on strided and expanded views', () => {
  const before = elementwiseOp('testSoftsign')!.compiledLoops;
  const base = randn([4, 6], { generator: new Generator(1) });
  const view = base.t().at('::2');
  assert.ok(softsign(view).allclose(softsign(view.contiguous())));
  const ex = tensor([0.5, -1]).unsqueeze(1).expand(2, 3);
  assert.equal(softsign(ex).toFlatArray().map((v) => Math.round((v as number) * 1e6) / 1e6), [0.333333, 0.333333, 0.333333, -0.5, -0.5, -0.5]);
  assert.ok(elementwiseOp('testSoftsign')!.compiledLoops > before || before > 0);
});

one('its gradient passes gradcheck, also through a strided view', () => {
  const gen = new Generator(7);
  const x = randn([3, 4], { dtype: 'float64', generator: gen }).mul(2).detach().requiresGrad_();
  assert.ok(gradcheck((a) => softsign(a!), [x]));
  assert.ok(gradcheck((a) => S(a!.t()).testSoftsign().mul(a!.t()), [x]));
  const y = softsign(x);
  assert.is(y.gradFn?.name, 'TestSoftsignBackward0');
});

one.run();

// ---------------------------------------------------------------- every record is covered
const cover = suite('op records: every built-in record has parity fixtures and passes gradcheck');

const builtIn = opRecords().filter((r) => builtInOps.includes(r.name));
const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor_ops.json', import.meta.url), 'utf8')) as { cases: { op: string }[] };
const fixtureOps = new Set(fixture.cases.map((c) => c.op));

cover('each record has at least one PyTorch parity case in test/fixtures/tensor_ops.json', () => {
  const missing = builtIn.filter((r) => !fixtureOps.has(r.name)).map((r) => r.name);
  assert.equal(missing, [], `records without a parity case (add one to scripts/fixtures/tensor_ops_elementwise.py): ${missing.join(', ')}`);
});

const gen = new Generator(20240611);
const f64 = { dtype: 'float64' as const, generator: gen };
const R = (shape: number[], scale = 1): Tensor => randn(shape, f64).mul(scale);
const U = (shape: number[], lo: number, hi: number): Tensor => rand(shape, f64).mul(hi - lo).add(lo);
/** Magnitudes in [lo, hi) with random signs. */
const away = (shape: number[], lo: number, hi: number): Tensor => U(shape, lo, hi).mul(rand(shape, f64).lt(0.5).double().mul(2).sub(1));
/** Values kept off the integers (floor, ceil, round, sign jump there; the numeric derivative would not be 0). */
const offInt = (shape: number[]): Tensor => R(shape, 3).floor().add(U(shape, 0.2, 0.4));

/** Inputs in each differentiable record's domain, and its parameters. A new record needs an entry. */
const domains: Record<string, { inputs: (s: number[]) => Tensor[]; params?: number[] }> = {
  add: { inputs: (s) => [R(s), R(s)], params: [-2.5] }, sub: { inputs: (s) => [R(s), R(s)], params: [0.5] },
  mul: { inputs: (s) => [R(s), R(s)] }, div: { inputs: (s) => [R(s), away(s, 0.5, 2)] },
  pow: { inputs: (s) => [U(s, 0.5, 2), R(s)] }, maximum: { inputs: (s) => [R(s), R(s).add(0.0123)] },
  minimum: { inputs: (s) => [R(s), R(s).add(0.0123)] }, remainder: { inputs: (s) => [U(s, 0.1, 0.6), U(s, 1, 2)] },
  addcmul: { inputs: (s) => [R(s), R(s), R(s)], params: [0.7] }, addcdiv: { inputs: (s) => [R(s), R(s), away(s, 0.5, 2)], params: [-1.5] },
  where: { inputs: (s) => [rand(s, f64).lt(0.5), R(s), R(s)] },
  neg: { inputs: (s) => [R(s)] }, abs: { inputs: (s) => [away(s, 0.2, 2)] }, sqrt: { inputs: (s) => [U(s, 0.5, 2)] },
  rsqrt: { inputs: (s) => [U(s, 0.5, 2)] }, exp: { inputs: (s) => [R(s)] }, log: { inputs: (s) => [U(s, 0.5, 2)] },
  log1p: { inputs: (s) => [U(s, -0.5, 2)] }, expm1: { inputs: (s) => [R(s)] }, sin: { inputs: (s) => [R(s)] }, cos: { inputs: (s) => [R(s)] },
  sigmoid: { inputs: (s) => [R(s, 2)] }, tanh: { inputs: (s) => [R(s)] }, relu: { inputs: (s) => [away(s, 0.1, 2)] },
  square: { inputs: (s) => [R(s)] }, reciprocal: { inputs: (s) => [away(s, 0.5, 2)] },
  sign: { inputs: (s) => [away(s, 0.1, 2)] }, floor: { inputs: (s) => [offInt(s)] }, ceil: { inputs: (s) => [offInt(s)] },
  round: { inputs: (s) => [offInt(s)] }, clamp: { inputs: (s) => [R(s).add(R(s).sign().mul(0.05))], params: [-0.5, 0.6] },
  softplus: { inputs: (s) => [R(s, 3)], params: [1.5, 2] },
  leakyRelu: { inputs: (s) => [away(s, 0.1, 2)], params: [0.2] }, gelu: { inputs: (s) => [R(s, 2)], params: [0] },
  silu: { inputs: (s) => [R(s, 3)] },
  bceElementwise: { inputs: (s) => [U(s, 0.1, 0.9), U(s, 0, 1)] },
  addcdivSqrt: { inputs: (s) => [R(s), R(s), U(s, 0.5, 2)], params: [-0.7, 0.6, 0.1] },
};

for (const rec of builtIn.filter((r) => r.grads)) {
  cover(`${rec.name}: gradcheck on equal, broadcast and strided operands`, () => {
    const d = domains[rec.name];
    assert.ok(d, `no gradcheck domain for the record ${rec.name}: add one to test/tensor/op-records.test.ts`);
    const fn = elementwiseOpFn(rec);
    const params = d!.params ?? [];
    const diff = (ins: Tensor[]): Tensor[] => ins.map((t, i) => (rec.grads![i] ? t.detach().requiresGrad_() : t));
    // Equal shapes.
    assert.ok(gradcheck((...xs) => fn(...xs, ...params), diff(d!.inputs([3, 4]))));
    // Broadcast: the first input [3, 1], the others [4] (or [3, 4] for a unary op).
    if (rec.arity > 1) {
      const ins = d!.inputs([3, 4]);
      const shapes = ins.map((_, i) => (i === 0 ? [3, 4] : i === 1 ? [4] : [3, 1]));
      const bc = ins.map((t, i) => (t.dtype === 'bool' ? t.at(':', 0).unsqueeze(1) : d!.inputs(shapes[i]!)[i]!));
      assert.ok(gradcheck((...xs) => fn(...xs, ...params), diff(bc)));
    }
    // Strided: each input a transposed view of a leaf.
    const leaves = diff(d!.inputs([4, 3]));
    assert.ok(gradcheck((...xs) => fn(...xs.map((t) => t.t()), ...params), leaves));
  });
}

/** The record's op function (through its method on the first input, as a book line would call it, where it has one). */
function elementwiseOpFn(rec: OpRecord): (...args: (Tensor | number)[]) => Tensor {
  const op = elementwiseOp(rec.name)!;
  return (...args) => op.forward(args.slice(0, rec.arity) as Tensor[], op.params(args, rec.arity));
}

cover('records lower to C for generated kernels (no JS-only syntax)', () => {
  for (const r of opRecords()) {
    const exprs = [r.forward, ...(r.grads ?? [])].filter((e) => e !== null);
    for (const e of exprs) {
      const c = toC(e!, (n) => `v_${n}`);
      assert.not.match(c, /Math\.|===|!==|H\./, `${r.name}: ${c}`);
    }
  }
  assert.is(toC(elementwiseOp('sigmoid')!.rec.forward, (n) => n), 'gu_sigmoid ( x )');
  assert.is(toC(elementwiseOp('add')!.rec.forward, (n) => n), 'x + alpha * y');
});

cover.run();

// ---------------------------------------------------------------- malformed records
const bad = suite('op records: malformed records throw OpError');

bad('an unknown name or function in an expression', () => {
  assert.throws(() => defineOp({ name: 'badName', arity: 1, expr: 'x + w', dtype: 'same' }), (e: Error) => e instanceof OpError && /unknown name w/.test(e.message));
  assert.throws(() => defineOp({ name: 'badFn', arity: 1, expr: 'lgamma(x)', dtype: 'same' }), (e: Error) => e instanceof OpError && /unknown function lgamma/.test(e.message));
  assert.throws(() => defineOp({ name: 'badMod', arity: 2, expr: 'x % y', dtype: 'same' }), (e: Error) => e instanceof OpError && /cannot read/.test(e.message));
});

bad('a gradient that reads what saves does not list, or one per input missing', () => {
  assert.throws(() => defineOp({ name: 'badSave', arity: 1, expr: 'x * x', grad: ['2 * g * x'], dtype: 'same' }),
    (e: Error) => e instanceof OpError && /reads x, which saves does not list/.test(e.message));
  assert.throws(() => defineOp({ name: 'badCount', arity: 2, expr: 'x * y', grad: ['g * y'], saves: ['y'], dtype: 'same' }),
    (e: Error) => e instanceof OpError && /grad has 1 expression/.test(e.message));
});

bad('a name that is taken', () => {
  assert.throws(() => defineOp({ name: 'relu', arity: 1, expr: 'x', dtype: 'same' }), (e: Error) => e instanceof OpError && /already defined/.test(e.message));
});

bad.run();
