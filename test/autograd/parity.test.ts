// Gradient parity with PyTorch: every case of test/fixtures/grad_ops.json (written by
// scripts/fixtures/grad_ops.py under torch 1.13) is a small program run here with the same op
// names; the leaves are rebuilt from flat data and put through the same view chain (so inputs
// really are transposed, strided or expanded views), backward runs as in torch (seeded, twice
// for accumulation, or twice through a retained graph), and every leaf's .grad is compared with
// torch's. One uvu test per case; the kernel-backed families run once per available backend.
import { readFileSync } from 'node:fs';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import * as G from 'groundup';
import { Function, FunctionCtx, Tensor, type DType, type IndexItem } from 'groundup';
import { describeBackends } from '../helpers/backends.ts';
import { KERNEL_FAMILIES, decode, typed, type Num } from '../helpers/parity-case.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface TensorJson { shape: number[]; dtype: DType; data: Num[] }
interface InputJson extends TensorJson { views: [string, ...Json[]][]; grad: boolean }
interface Case {
  name: string; family: string; inputs: InputJson[]; prog: [string, ...Json[]][]; output: number;
  seed: { shape: number[]; data: number[] } | null; passes: number; retainGraph: boolean; retained: number[];
  out: TensorJson; grads: (TensorJson | null)[]; retainedGrads: (TensorJson | null)[];
}
interface Fixture { torch: string; cases: Case[] }

const fx = JSON.parse(readFileSync(new URL('../fixtures/grad_ops.json', import.meta.url), 'utf8')) as Fixture;

const n = (j: Json | undefined): number => j as number;
const ns = (j: Json | undefined): number[] => j as number[];
const opt = (j: Json | undefined): number | undefined => (j === null || j === undefined ? undefined : (j as number));

function viewStep(t: Tensor, [name, ...a]: [string, ...Json[]]): Tensor {
  switch (name) {
    case 'slice': return t.at(...Array.from({ length: n(a[0]) }, (): IndexItem => ':'), G.slice(opt(a[1]), opt(a[2]), opt(a[3])));
    case 't': return t.t();
    case 'transpose': return t.transpose(n(a[0]), n(a[1]));
    case 'permute': return t.permute(ns(a[0]));
    case 'expand': return t.expand(ns(a[0]));
    case 'unsqueeze': return t.unsqueeze(n(a[0]));
    case 'diagonal': return t.diagonal(n(a[0]), n(a[1]), n(a[2]));
    case 'select': return t.select(n(a[0]), n(a[1]));
    default: throw new Error(`fixture: unknown view step ${name}`);
  }
}

class MyRelu extends Function {
  static override forward(ctx: FunctionCtx, i: Tensor): Tensor { ctx.saveForBackward(i); return i.clampMin(0); }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor { return g.mul(ctx.savedTensors[0]!.gt(0).to(g.dtype)); }
}
class MulAdd extends Function {
  static override forward(ctx: FunctionCtx, a: Tensor, b: Tensor, c: Tensor): Tensor { ctx.saveForBackward(a, b); return a.mul(b).add(c); }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor[] { const [a, b] = ctx.savedTensors; return [g.mul(b!), g.mul(a!), g]; }
}

type Value = Tensor | Tensor[] | number | boolean | string | null | Value[];
type Op = (...a: Value[]) => Value;
const T = (v: Value): Tensor => v as Tensor;
const TL = (v: Value): G.TensorLike => v as G.TensorLike;
const num = (v: Value): number => v as number;
const dimsOf = (v: Value): G.Dims | undefined => (v === null || v === undefined ? undefined : (v as G.Dims));
const items = (v: Value): IndexItem[] => v as IndexItem[];

/** The same op vocabulary as OPS in scripts/fixtures/grad_ops.py. */
const OPS: Record<string, Op> = {
  add: (a, b, alpha) => G.add(TL(a), TL(b), alpha === undefined ? 1 : num(alpha)),
  sub: (a, b, alpha) => G.sub(TL(a), TL(b), alpha === undefined ? 1 : num(alpha)),
  mul: (a, b) => G.mul(TL(a), TL(b)), div: (a, b) => G.div(TL(a), TL(b)), pow: (a, b) => G.pow(TL(a), TL(b)),
  maximum: (a, b) => G.maximum(TL(a), TL(b)), minimum: (a, b) => G.minimum(TL(a), TL(b)), remainder: (a, b) => G.remainder(TL(a), TL(b)),
  neg: (x) => T(x).neg(), abs: (x) => T(x).abs(), sqrt: (x) => T(x).sqrt(), rsqrt: (x) => T(x).rsqrt(), exp: (x) => T(x).exp(),
  log: (x) => T(x).log(), log1p: (x) => T(x).log1p(), expm1: (x) => T(x).expm1(), sin: (x) => T(x).sin(), cos: (x) => T(x).cos(),
  sigmoid: (x) => T(x).sigmoid(), tanh: (x) => T(x).tanh(), relu: (x) => T(x).relu(), square: (x) => T(x).square(),
  reciprocal: (x) => T(x).reciprocal(),
  clamp: (x, lo, hi) => T(x).clamp(lo as number | null, hi as number | null), clampMin: (x, lo) => T(x).clampMin(num(lo)),
  clampMax: (x, hi) => T(x).clampMax(num(hi)), where: (c, a, b) => G.where(T(c), TL(a), TL(b)),
  maskedFill: (x, m, v) => T(x).maskedFill(T(m), num(v)), gt: (a, b) => G.gt(TL(a), TL(b)), lt: (a, b) => G.lt(TL(a), TL(b)),
  sum: (x, d, k) => T(x).sum(dimsOf(d), k === true), mean: (x, d, k) => T(x).mean(dimsOf(d), k === true),
  prod: (x, d, k) => T(x).prod(dimsOf(d), k === true),
  var: (x, d, u, k) => T(x).var(dimsOf(d), { unbiased: u !== false, keepdim: k === true }),
  std: (x, d, u, k) => T(x).std(dimsOf(d), { unbiased: u !== false, keepdim: k === true }),
  maxAll: (x) => T(x).max(), minAll: (x) => T(x).min(),
  maxDim: (x, d, k) => T(x).max(num(d), k === true).values, minDim: (x, d, k) => T(x).min(num(d), k === true).values,
  logsumexp: (x, d, k) => T(x).logsumexp(d as G.Dims, k === true),
  sortValues: (x, d, desc) => T(x).sort(num(d), desc === true).values,
  topkValues: (x, k, d, largest) => T(x).topk(num(k), num(d), largest !== false).values,
  cumsum: (x, d) => T(x).cumsum(num(d)),
  view: (x, s) => T(x).view(ns(s as Json)), reshape: (x, s) => T(x).reshape(ns(s as Json)), permute: (x, d) => T(x).permute(ns(d as Json)),
  transpose: (x, a, b) => T(x).transpose(num(a), num(b)), t: (x) => T(x).t(), unsqueeze: (x, d) => T(x).unsqueeze(num(d)),
  squeeze: (x, d) => T(x).squeeze(opt(d as Json)), expand: (x, s) => T(x).expand(ns(s as Json)), expandAs: (x, y) => T(x).expandAs(T(y)),
  flatten: (x, s, e) => T(x).flatten(opt(s as Json), opt(e as Json)), narrow: (x, d, s, l) => T(x).narrow(num(d), num(s), num(l)),
  select: (x, d, i) => T(x).select(num(d), num(i)), chunk: (x, k, d) => T(x).chunk(num(k), opt(d as Json)),
  split: (x, s, d) => T(x).split(s as number | number[], opt(d as Json)), unbind: (x, d) => T(x).unbind(opt(d as Json)),
  pick: (xs, i) => (xs as Tensor[])[num(i)]!,
  diagonal: (x, o, a, b) => T(x).diagonal(opt(o as Json), opt(a as Json), opt(b as Json)), contiguous: (x) => T(x).contiguous(),
  clone: (x) => T(x).clone(), detach: (x) => T(x).detach(),
  at: (x, it) => T(x).at(...items(it)), setAt: (x, it, v) => T(x).setAt(items(it), v as Tensor | number),
  indexPut_: (x, ids, v, acc) => T(x).indexPut_(items(ids), v as Tensor, acc === true),
  gather: (x, d, i) => T(x).gather(num(d), T(i)), indexSelect: (x, d, i) => T(x).indexSelect(num(d), T(i)),
  cat: (xs, d) => G.cat(xs as Tensor[], opt(d as Json)), stack: (xs, d) => G.stack(xs as Tensor[], opt(d as Json)),
  matmul: (a, b) => T(a).matmul(T(b)), einsum: (eq, ...xs) => G.einsum(eq as string, ...(xs as Tensor[])),
  conv2d: (x, w, b, stride, padding) => G.conv2d(T(x), T(w), (b as Tensor | null) ?? null,
    { stride: stride as number | [number, number], padding: padding as number | [number, number] }),
  unfold: (x, k, stride, padding) => G.unfold(T(x), k as number | [number, number],
    { stride: (stride ?? 1) as number | [number, number], padding: (padding ?? 0) as number | [number, number] }),
  softmax: (x, d) => T(x).softmax(num(d)), logSoftmax: (x, d) => T(x).logSoftmax(num(d)),
  to: (x, d) => T(x).to(d as DType),
  relu_: (x) => T(x).relu_(), mul_: (x, y) => T(x).mul_(TL(y)), add_: (x, y) => T(x).add_(TL(y)), sigmoid_: (x) => T(x).sigmoid_(),
  clampMin_: (x, lo) => T(x).clampMin_(num(lo)), clamp_: (x, lo, hi) => T(x).clamp_(lo as number | null, hi as number | null),
  div_: (x, y) => T(x).div_(TL(y)), pow_: (x, y) => T(x).pow_(TL(y)), sub_: (x, y) => T(x).sub_(TL(y)), log_: (x) => T(x).log_(),
  abs_: (x) => T(x).abs_(), exp_: (x) => T(x).exp_(), sqrt_: (x) => T(x).sqrt_(), tanh_: (x) => T(x).tanh_(), neg_: (x) => T(x).neg_(),
  retainGrad: (x) => T(x).retainGrad(), MyRelu: (x) => MyRelu.apply(x), MulAdd: (a, b, c) => MulAdd.apply(a, b, c),
};

function resolve(a: Json, regs: Value[]): Value {
  if (Array.isArray(a)) return a.map((x) => resolve(x, regs));
  if (a !== null && typeof a === 'object') return regs[n(a.r)]!;
  return a;
}

function runProg(c: Case, ins: Tensor[]): Value[] {
  const regs: Value[] = [...ins];
  c.prog.forEach(([op, ...args], k) => {
    const f = OPS[op];
    if (!f) throw new Error(`fixture: unknown op ${op}`);
    try {
      regs.push(f(...args.map((a) => resolve(a, regs))));
    } catch (e) {
      (e as Error).message = `step ${k} (${op}): ${(e as Error).message}`;
      throw e;
    }
  });
  return regs;
}

/** float32: atol 1e-5·scale, rtol 1e-4; float64: atol 1e-9, rtol 1e-9 (scale: the largest |value|, at least 1). */
function compare(got: Tensor | null, want: TensorJson | null, label: string): void {
  if (want === null) {
    assert.ok(got === null, `${label}: torch has no gradient here (None), groundup has ${got}`);
    return;
  }
  assert.ok(got !== null, `${label}: groundup has no gradient (null), torch has shape [${want.shape}]`);
  assert.equal([...got.shape], want.shape, `${label}: shape [${got.shape}] vs torch [${want.shape}]`);
  assert.is(got.dtype, want.dtype, `${label}: dtype ${got.dtype} vs torch ${want.dtype}`);
  const vals = got.dataSync();
  const wantVals = want.data.map(decode);
  const scale = Math.max(1, ...wantVals.filter(Number.isFinite).map(Math.abs));
  const [atol, rtol] = want.dtype === 'float32' ? [1e-5 * scale, 1e-4] : [1e-9 * scale, 1e-9];
  const bad: string[] = [];
  let nbad = 0;
  wantVals.forEach((e, i) => {
    const v = vals[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(v) : !Number.isFinite(e) ? v === e : Math.abs(v - e) <= atol + rtol * Math.abs(e);
    if (!ok && nbad++ < 4) bad.push(`[${i}] got ${v}, torch ${e}`);
  });
  if (nbad) assert.unreachable(`${label}: ${nbad} of ${wantVals.length} values differ (atol ${atol.toExponential(1)}, rtol ${rtol}): ${bad.join('; ')}`);
}

function check(c: Case): void {
  const leaves = c.inputs.map((i) => {
    const t = Tensor.fromData(typed(i.dtype, i.data.map(decode)), i.shape);
    return i.grad ? t.requiresGrad_() : t;
  });
  const views = (): Tensor[] => leaves.map((l, k) => c.inputs[k]!.views.reduce(viewStep, l));
  let regs = runProg(c, views());
  let out = T(regs[c.output]!);
  compare(out, c.out, 'forward output');
  const seed = c.seed ? Tensor.fromData(typed(out.dtype, c.seed.data), c.seed.shape) : null;
  for (let pass = 0; pass < c.passes; pass++) {
    if (pass > 0) {
      regs = runProg(c, views());
      out = T(regs[c.output]!);
    }
    if (c.retainGraph) out.backward(seed, { retainGraph: true });
    out.backward(seed);
  }
  leaves.forEach((l, k) => compare(c.inputs[k]!.grad ? l.grad : null, c.grads[k]!, `grad of input ${k} [${l.shape}]`));
  c.retained.forEach((r, k) => compare(T(regs[r]!).grad, c.retainedGrads[k]!, `retained grad of register ${r}`));
}

const register = (s: Test, cases: readonly Case[]): void => { for (const c of cases) s(`${c.family}: ${c.name}`, () => check(c)); };

const main = suite('grad parity');
main('the fixture holds ≥ 150 gradient cases across every op family', () => {
  assert.ok(fx.cases.length >= 150, `${fx.cases.length} cases`);
  const fams = new Set(fx.cases.map((c) => c.family));
  for (const f of ['broadcast', 'elementwise', 'reduce', 'ties', 'views', 'noncontig', 'index', 'setitem', 'inplace', 'join', 'matmul',
    'einsum', 'conv2d', 'unfold', 'softmax', 'graph'])
    assert.ok(fams.has(f), `family ${f} missing`);
  const eqs = new Set(fx.cases.filter((c) => c.family === 'einsum').map((c) => c.prog[0]![1]));
  for (const eq of ['ik,kj->ij', 'ij->ji', 'bi,ij,bj->b', 'bik,bkj->bij', 'ck,kij->cij']) assert.ok(eqs.has(eq), `book einsum '${eq}' missing`);
});
register(main, fx.cases.filter((c) => !KERNEL_FAMILIES.has(c.family)));
main.run();

describeBackends('grad parity kernels', (test) => register(test, fx.cases.filter((c) => KERNEL_FAMILIES.has(c.family))));
