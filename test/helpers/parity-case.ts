// One case of test/fixtures/tensor_ops.json (written by scripts/fixtures/tensor_ops.py under
// torch 1.13), rebuilt — flat data, then the same view chain, so strided inputs really are
// strided — run through groundup, and compared on shape, dtype (torch's int64 is our int32) and
// values. Node's parity suite (test/tensor/parity.test.ts) and the browser's parity page
// (packages/web/parity.html) both run cases through checkCase, so they prove the same thing.
import * as assert from 'uvu/assert';
import * as G from '@groundup/tensor';
import { Tensor, slice, type DType, type IndexItem, type TypedArray } from '@groundup/tensor';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Num = number | 'nan' | 'inf' | '-inf';
type ViewStep = [string, ...Json[]];
export interface TensorIn { shape: number[]; dtype: DType; data: Num[]; views: ViewStep[]; contiguous: boolean }
export interface ScalarIn { scalar: number | boolean }
export interface TensorOut { shape: number[]; dtype: DType; data: Num[]; strides?: number[]; offset?: number }
export interface Case {
  name: string; family: string; op: string; args: { [k: string]: Json };
  inputs: (TensorIn | ScalarIn)[]; outputs: TensorOut[]; k?: number; result?: 'base'; text?: string;
}
export interface Fixture { torch: string; cases: Case[] }

/** A fixture number: JSON has no NaN or infinities, so the fixtures spell them. */
export const decode = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const n = (j: Json | undefined): number => j as number;
const ns = (j: Json | undefined): number[] => j as number[];
const opt = (j: Json | undefined): number | undefined => (j === null || j === undefined ? undefined : (j as number));
const dims = (j: Json | undefined): number | number[] | undefined => (j === null || j === undefined ? undefined : (j as number | number[]));
const pair = (j: Json | undefined): number | [number, number] | undefined => (j === undefined ? undefined : (j as number | [number, number]));

/** The typed array of a fixture's dtype. */
export function typed(dtype: DType, data: readonly number[]): TypedArray {
  switch (dtype) {
    case 'float32': return Float32Array.from(data);
    case 'float64': return Float64Array.from(data);
    case 'int32': return Int32Array.from(data);
    case 'bool': return Uint8Array.from(data);
  }
}

function applyView(t: Tensor, [name, ...a]: ViewStep): Tensor {
  switch (name) {
    case 'slice': return t.at(...Array.from({ length: n(a[0]) }, () => ':'), slice(opt(a[1]), opt(a[2]), opt(a[3])));
    case 't': return t.t();
    case 'transpose': return t.transpose(n(a[0]), n(a[1]));
    case 'permute': return t.permute(ns(a[0]));
    case 'expand': return t.expand(ns(a[0]));
    case 'view': return t.view(ns(a[0]));
    case 'unsqueeze': return t.unsqueeze(n(a[0]));
    case 'squeeze': return t.squeeze(opt(a[0]));
    case 'narrow': return t.narrow(n(a[0]), n(a[1]), n(a[2]));
    case 'select': return t.select(n(a[0]), n(a[1]));
    case 'diagonal': return t.diagonal(n(a[0]), n(a[1]), n(a[2]));
    default: throw new Error(`fixture: unknown view step ${name}`);
  }
}

interface Built { bases: (Tensor | null)[]; ins: (Tensor | number | boolean)[]; contiguity: (() => void)[] }

function build(c: Case): Built {
  const bases: (Tensor | null)[] = [], ins: (Tensor | number | boolean)[] = [], contiguity: (() => void)[] = [];
  for (const i of c.inputs) {
    if ('scalar' in i) { bases.push(null); ins.push(i.scalar); continue; }
    const base = Tensor.fromData(typed(i.dtype, i.data.map(decode)), i.shape);
    const t = i.views.reduce(applyView, base);
    const contiguous = t.isContiguous(); // checked after the op, so that a wrong flag does not hide the op's result
    contiguity.push(() => assert.is(contiguous, i.contiguous, `input after views ${JSON.stringify(i.views)}: isContiguous() differs from torch (shape [${t.shape}], strides [${t.strides}])`));
    bases.push(base);
    ins.push(t);
  }
  return { bases, ins, contiguity };
}

function items(c: Case, ins: readonly (Tensor | number | boolean)[]): IndexItem[] {
  return (c.args.items as Json[]).map((it): IndexItem => {
    if (it === null || typeof it === 'number' || typeof it === 'string') return it;
    const o = it as { [k: string]: Json };
    return 'tensor' in o ? (ins[n(o.tensor)] as Tensor) : ns(o.list);
  });
}

type Binary = (a: G.TensorLike, b: G.TensorLike) => Tensor;
const BINARY: Record<string, Binary> = {
  add: G.add, sub: G.sub, mul: G.mul, div: G.div, pow: G.pow, maximum: G.maximum, minimum: G.minimum, remainder: G.remainder,
  lt: G.lt, le: G.le, gt: G.gt, ge: G.ge, eq: G.eq, ne: G.ne, logicalAnd: G.logicalAnd, logicalOr: G.logicalOr, logicalXor: G.logicalXor,
};
const UNARY: Record<string, (t: Tensor) => Tensor> = {
  neg: G.neg, abs: G.abs, sqrt: G.sqrt, rsqrt: G.rsqrt, exp: G.exp, log: G.log, log1p: G.log1p, expm1: G.expm1, sin: G.sin, cos: G.cos,
  sigmoid: G.sigmoid, tanh: G.tanh, relu: G.relu, square: G.square, reciprocal: G.reciprocal, sign: G.sign, floor: G.floor, ceil: G.ceil,
  round: G.round, isnan: G.isnan, isinf: G.isinf, isfinite: G.isfinite, logicalNot: G.logicalNot,
};
const pairOf = (r: G.ValuesIndices): Tensor[] => [r.values, r.indices];

/** Runs the case's op; null means "in place: the result is input 0's base". */
function run(c: Case, ins: (Tensor | number | boolean)[]): Tensor | Tensor[] | null {
  const a = c.args, x = ins[0] as Tensor, y = ins[1] as Tensor, extra = (a.extra ?? []) as number[];
  if (c.op in BINARY) {
    if (a.alpha !== undefined) return (c.op === 'add' ? G.add : G.sub)(ins[0]!, ins[1]!, n(a.alpha));
    return BINARY[c.op]!(ins[0]!, ins[1]!);
  }
  if (c.op in UNARY) return UNARY[c.op]!(x);
  // Ops defined by a record take their parameters positionally after the inputs.
  const rec = a.params !== undefined ? G.elementwiseOp(c.op) : undefined;
  if (rec) return rec.forward(ins, rec.params(a.params as number[], 0));
  switch (c.op) {
    case 'addcmul_': x.addcmul_(ins[1]!, ins[2]!, extra[0]); return null;
    case 'addcdiv_': x.addcdiv_(ins[1]!, ins[2]!, extra[0]); return null;
    case 'sigmoid_': x.sigmoid_(); return null;
    case 'square_': x.square_(); return null;
    case 'add_': x.add_(ins[1]!); return null;
    case 'sub_': x.sub_(ins[1]!); return null;
    case 'mul_': x.mul_(ins[1]!); return null;
    case 'div_': x.div_(ins[1]!); return null;
    case 'relu_': x.relu_(); return null;
    case 'exp_': x.exp_(); return null;
    case 'clamp_': x.clamp_(extra[0], extra[1]); return null;
    case 'clampMin_': x.clampMin_(extra[0]!); return null;
    case 'fill_': x.fill_(extra[0]!); return null;
    case 'copy_': x.copy_(y); return null;
    case 'maskedFill_': x.maskedFill_(y, extra[0]!); return null;
    case 'clamp': return x.clamp(opt(a.min), opt(a.max));
    case 'clampMin': return x.clampMin(n(a.min));
    case 'where': return G.where(x, ins[1]!, ins[2]!);
    case 'sum': return x.sum(dims(a.dim), a.keepdim === true);
    case 'mean': return x.mean(dims(a.dim), a.keepdim === true);
    case 'prod': return x.prod(dims(a.dim), a.keepdim === true);
    case 'std': return x.std(dims(a.dim), { unbiased: a.unbiased !== false, keepdim: a.keepdim === true });
    case 'var': return x.var(dims(a.dim), { unbiased: a.unbiased !== false, keepdim: a.keepdim === true });
    case 'max': return a.dim === undefined ? x.max() : pairOf(x.max(n(a.dim), a.keepdim === true));
    case 'min': return a.dim === undefined ? x.min() : pairOf(x.min(n(a.dim), a.keepdim === true));
    case 'argmax': return x.argmax(opt(a.dim), a.keepdim === true);
    case 'argmin': return x.argmin(opt(a.dim), a.keepdim === true);
    case 'sort': return pairOf(x.sort(n(a.dim), a.descending === true));
    case 'argsort': return x.argsort(n(a.dim), a.descending === true);
    case 'topk': return pairOf(x.topk(n(a.k), n(a.dim), a.largest !== false));
    case 'cumsum': return x.cumsum(n(a.dim));
    case 'logsumexp': return x.logsumexp(dims(a.dim)!, a.keepdim === true);
    case 'all': return x.all(dims(a.dim), a.keepdim === true);
    case 'any': return x.any(dims(a.dim), a.keepdim === true);
    case 'softmax': return x.softmax(n(a.dim));
    case 'logSoftmax': return x.logSoftmax(n(a.dim));
    case 'at': case 'at_view': return x.at(...items(c, ins));
    case 'setAt': x.setAt(items(c, ins), a.value !== undefined ? (a.value as number | boolean) : (ins[ins.length - 1] as Tensor)); return null;
    case 'indexPut_': x.indexPut_(ins.slice(1, -1) as Tensor[], ins[ins.length - 1] as Tensor, a.accumulate === true); return null;
    case 'gather': return x.gather(n(a.dim), y);
    case 'indexSelect': return x.indexSelect(n(a.dim), y);
    case 'maskedFill': return x.maskedFill(y, n(a.value));
    case 'view': return x.view(ns(a.shape));
    case 'reshape': return x.reshape(ns(a.shape));
    case 'permute': return x.permute(ns(a.shape));
    case 'expand': return x.expand(ns(a.shape));
    case 'transpose': return x.transpose(n((a.args as Json[])[0]), n((a.args as Json[])[1]));
    case 't': return x.t();
    case 'unsqueeze': return x.unsqueeze(n((a.args as Json[])[0]));
    case 'squeeze': return x.squeeze(opt(a.dim));
    case 'flatten': return x.flatten(...(a.args as number[]));
    case 'narrow': { const [d, s, l] = a.args as number[]; return x.narrow(d!, s!, l!); }
    case 'select': { const [d, i] = a.args as number[]; return x.select(d!, i!); }
    case 'diagonal': return x.diagonal(...(a.args as number[]));
    case 'chunk': { const [k, d] = a.args as number[]; return x.chunk(k!, d); }
    case 'split': { const [s, d] = a.args as [number | number[], number | undefined]; return x.split(s, d); }
    case 'unbind': return x.unbind(n((a.args as Json[])[0]));
    case 'contiguous': return x.contiguous();
    case 'matmul': return x.matmul(y);
    case 'einsum': return G.einsum(a.eq as string, ...(ins as Tensor[]));
    case 'conv2d': return G.conv2d(x, y, (ins[2] as Tensor | undefined) ?? null, { stride: pair(a.stride), padding: pair(a.padding) });
    case 'unfold': return G.unfold(x, a.kernel as number | [number, number], { stride: pair(a.stride), padding: pair(a.padding) });
    case 'cat': return G.cat(ins as Tensor[], n(a.dim));
    case 'stack': return G.stack(ins as Tensor[], n(a.dim));
    case 'oneHot': return G.oneHot(x, opt(a.numClasses));
    case 'to': return x.to(a.dtype as DType);
    case 'arange': { const [s, e, st] = a.args as number[]; return G.arange(s!, e, st); }
    case 'linspace': { const [s, e, k] = a.args as number[]; return G.linspace(s!, e!, k!); }
    case 'eye': { const [r, m] = a.args as number[]; return G.eye(r!, m); }
    default: throw new Error(`fixture: unknown op ${c.op}`);
  }
}

/** float32: atol 1e-5·√k, rtol 1e-4; float64: atol 1e-10·√k, rtol 1e-10; int and bool exact. k is the reduction length. */
function tolerance(dtype: DType, k: number): { atol: number; rtol: number } {
  const s = Math.sqrt(Math.max(1, k));
  if (dtype === 'float32') return { atol: 1e-5 * s, rtol: 1e-4 };
  if (dtype === 'float64') return { atol: 1e-10 * s, rtol: 1e-10 };
  return { atol: 0, rtol: 0 };
}

function compare(got: Tensor, want: TensorOut, k: number, label: string): void {
  assert.equal([...got.shape], want.shape, `${label}: shape [${got.shape}] vs torch [${want.shape}]`);
  assert.is(got.dtype, want.dtype, `${label}: dtype ${got.dtype} vs torch ${want.dtype}`);
  if (want.strides) {
    assert.equal(got.stride(), want.strides, `${label}: strides [${got.stride()}] vs torch [${want.strides}]`);
    assert.is(got.storageOffset(), want.offset, `${label}: storage offset ${got.storageOffset()} vs torch ${want.offset}`);
  }
  const vals = got.dataSync();
  const { atol, rtol } = tolerance(want.dtype, k);
  const bad: string[] = [];
  let nbad = 0;
  for (let i = 0; i < want.data.length; i++) {
    let e = decode(want.data[i]!);
    if (want.dtype === 'float32') e = Math.fround(e);
    const v = vals[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(v) : !Number.isFinite(e) ? v === e : Math.abs(v - e) <= atol + rtol * Math.abs(e);
    if (!ok && nbad++ < 4) bad.push(`[${i}] got ${v}, torch ${e}`);
  }
  if (nbad) assert.unreachable(`${label}: ${nbad} of ${want.data.length} values differ (atol ${atol}, rtol ${rtol}): ${bad.join('; ')}`);
}

/** Runs one case; throws (uvu assertion errors) when groundup differs from torch. */
export function checkCase(c: Case): void {
  const { bases, ins, contiguity } = build(c);
  if (c.text !== undefined) assert.fixture((ins[0] as Tensor).toString(), c.text, 'toString() vs torch repr');
  else {
    const r = run(c, ins);
    const outs = r === null ? [bases[0]!] : Array.isArray(r) ? r : [r];
    assert.is(outs.length, c.outputs.length, `${outs.length} outputs vs torch ${c.outputs.length}`);
    outs.forEach((o, i) => compare(o, c.outputs[i]!, c.k ?? 1, c.outputs.length > 1 ? `output ${i}` : 'output'));
  }
  for (const f of contiguity) f();
}

/** The families whose ops run on the backends' kernels: they are checked once per backend. */
export const KERNEL_FAMILIES: ReadonlySet<string> = new Set(['matmul', 'einsum', 'conv2d', 'unfold']);
