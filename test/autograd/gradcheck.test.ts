// gradcheck (central differences in float64) for every differentiable op: elementwise with
// broadcasting and scalar operands, reductions over every kind of dim argument, every view,
// indexing and setAt on non-leaves, cat/stack, matmul, einsum in every form, conv2d, unfold,
// softmax, custom Functions and dtype round trips. Inputs are drawn from a seeded Generator and
// kept away from the non-differentiable points (ties, clamp bounds, zero for abs).
import {
  cat, conv2d, einsum, Function, FunctionCtx, gradcheck, Generator, logSoftmax, rand, randn, softmax, stack, tensor, unfold, where,
  type Tensor, type TensorLike,
} from 'groundup';
import * as G from 'groundup';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';

const gen = new Generator(20240607);
const f64 = { dtype: 'float64' as const, generator: gen };
/** Standard normal, float64. */
const R = (...shape: number[]): Tensor => randn(shape, f64);
/** Uniform on [lo, hi), float64. */
const U = (lo: number, hi: number, ...shape: number[]): Tensor => rand(shape, f64).mul(hi - lo).add(lo);
/** Magnitudes in [lo, hi) with random signs: away from 0. */
const away = (lo: number, hi: number, ...shape: number[]): Tensor => U(lo, hi, ...shape).mul(rand(shape, f64).lt(0.5).double().mul(2).sub(1));
/** A permutation of evenly spaced distinct values (no ties for max/min/sort). */
function distinct(...shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = randn([n], f64).argsort(0);
  return perm.double().sub((n - 1) / 2).mul(0.37).reshape(shape).contiguous();
}
const idx = (data: number[], shape = [data.length]): Tensor => tensor(data, { dtype: 'int32' }).reshape(shape);
const mask = (data: number[], shape: number[]): Tensor => tensor(data.map((v) => v !== 0)).reshape(shape);

type Fn = (...xs: Tensor[]) => Tensor;
/** Registers one gradcheck: every input is a fresh float64 leaf that requires grad. */
const gc = (t: Test) => (name: string, fn: Fn, inputs: Tensor[], opts?: G.GradcheckOptions): void => {
  t(name, () => {
    const leaves = inputs.map((x) => x.detach().requiresGrad_());
    assert.ok(gradcheck(fn, leaves, opts));
  });
};

// ---------------------------------------------------------------- elementwise, binary
const bin = suite('gradcheck: binary elementwise');
{
  const check = gc(bin);
  const shapes: [number[], number[]][] = [[[3, 4], [3, 4]], [[3, 4], [4]], [[2, 1, 4], [3, 1]], [[], [2, 3]], [[2, 3], [1, 1, 3]], [[4, 1], [1, 5]]];
  type BinSpec = { op: string; f: (a: TensorLike, b: TensorLike) => Tensor; a: (s: number[]) => Tensor; b: (s: number[]) => Tensor; scalarA?: number; scalarB?: number };
  const specs: BinSpec[] = [
    { op: 'add', f: G.add, a: (s) => R(...s), b: (s) => R(...s), scalarA: 1.5, scalarB: -2.25 },
    { op: 'add(alpha=-2.5)', f: (a, b) => G.add(a, b, -2.5), a: (s) => R(...s), b: (s) => R(...s), scalarA: 0.5, scalarB: 3 },
    { op: 'sub', f: G.sub, a: (s) => R(...s), b: (s) => R(...s), scalarA: 1.5, scalarB: -0.75 },
    { op: 'sub(alpha=0.5)', f: (a, b) => G.sub(a, b, 0.5), a: (s) => R(...s), b: (s) => R(...s), scalarA: 2, scalarB: 4 },
    { op: 'mul', f: G.mul, a: (s) => R(...s), b: (s) => R(...s), scalarA: -1.25, scalarB: 3 },
    { op: 'div', f: G.div, a: (s) => R(...s), b: (s) => away(0.5, 2, ...s), scalarA: 2.5, scalarB: -4 },
    { op: 'pow (base and exponent)', f: G.pow, a: (s) => U(0.5, 2, ...s), b: (s) => R(...s), scalarA: 1.7, scalarB: 2.5 },
    { op: 'maximum', f: G.maximum, a: (s) => R(...s), b: (s) => R(...s).add(0.0123), scalarA: 0.1234, scalarB: -0.0567 },
    { op: 'minimum', f: G.minimum, a: (s) => R(...s), b: (s) => R(...s).add(0.0123), scalarA: 0.1234, scalarB: -0.0567 },
    { op: 'remainder', f: G.remainder, a: (s) => R(...s).mul(3), b: (s) => away(0.7, 1.5, ...s), scalarA: 2.3, scalarB: 0.9 },
  ];
  for (const sp of specs) {
    for (const [sa, sb] of shapes) check(`${sp.op} [${sa}] with [${sb}]`, (a, b) => sp.f(a!, b!), [sp.a(sa), sp.b(sb)]);
    if (sp.scalarB !== undefined) check(`${sp.op} tensor with scalar ${sp.scalarB}`, (a) => sp.f(a!, sp.scalarB!), [sp.a([2, 3])]);
    if (sp.scalarA !== undefined) check(`${sp.op} scalar ${sp.scalarA} with tensor`, (b) => sp.f(sp.scalarA!, b!), [sp.b([2, 3])]);
    check(`${sp.op} on non-contiguous operands (transposed, sliced)`, (a, b) => sp.f(a!.t(), b!.at('::2')), [sp.a([4, 3]), sp.b([6, 4])]);
    check(`${sp.op} with a 0-d tensor operand`, (a, b) => sp.f(a!, b!), [sp.a([2, 3]), sp.b([])]);
  }
  check('pow with negative base and integer exponents 2 and 3', (a) => G.pow(a!, 2).add(G.pow(a!, 3)), [R(3, 4)]);
  check('pow with fractional exponent 0.5 and -1.5', (a) => G.pow(a!, 0.5).add(G.pow(a!, -1.5)), [U(0.5, 2, 3, 4)]);
  const base = U(0.5, 2, 3, 4);
  check('pow exponent only, base a constant tensor', (b) => G.pow(base, b!), [R(3, 4)]);
  check('x·x and x/x (the same tensor on both sides)', (x) => x!.mul(x!).add(x!.div(x!.add(3))), [U(0.5, 2, 3, 3)]);
  check('where(cond, a, b) with broadcasting cond', (a, b) => where(mask([1, 0, 1, 1], [4]), a!, b!), [R(3, 4), R(3, 1)]);
  check('where(cond, a, scalar) and where(cond, scalar, b)', (a, b) => where(mask([1, 0, 0, 1, 1, 0], [2, 3]), a!, 2.5).add(where(mask([0, 1, 1], [3]), -1, b!)), [R(2, 3), R(2, 3)]);
  check('x.where(cond, y) (method form)', (a, b) => a!.where(mask([1, 0, 1], [3]), b!), [R(2, 3), R(2, 3)]);
  check('maskedFill keeps the gradient where the mask is false', (a) => a!.maskedFill(mask([1, 0, 0, 1], [2, 2]), 7), [R(2, 2)]);
}
bin.run();

// ---------------------------------------------------------------- elementwise, unary
const un = suite('gradcheck: unary elementwise');
{
  const check = gc(un);
  const specs: [string, (x: Tensor) => Tensor, (...s: number[]) => Tensor][] = [
    ['neg', (x) => x.neg(), R], ['abs', (x) => x.abs(), (...s) => away(0.1, 2, ...s)], ['sqrt', (x) => x.sqrt(), (...s) => U(0.3, 3, ...s)],
    ['rsqrt', (x) => x.rsqrt(), (...s) => U(0.3, 3, ...s)], ['exp', (x) => x.exp(), R], ['log', (x) => x.log(), (...s) => U(0.2, 3, ...s)],
    ['log1p', (x) => x.log1p(), (...s) => U(-0.5, 3, ...s)], ['expm1', (x) => x.expm1(), R], ['sin', (x) => x.sin(), (...s) => R(...s).mul(3)],
    ['cos', (x) => x.cos(), (...s) => R(...s).mul(3)], ['sigmoid', (x) => x.sigmoid(), (...s) => R(...s).mul(3)], ['tanh', (x) => x.tanh(), R],
    ['relu', (x) => x.relu(), (...s) => away(0.05, 2, ...s)], ['square', (x) => x.square(), R],
    ['reciprocal', (x) => x.reciprocal(), (...s) => away(0.4, 2, ...s)],
    ['clamp(-0.5, 0.6)', (x) => x.clamp(-0.5, 0.6), (...s) => distinct(...s).add(0.05)], ['clamp(min only)', (x) => x.clamp(0.1), (...s) => distinct(...s).add(0.05)],
    ['clamp(null, max)', (x) => x.clamp(null, 0.2), (...s) => distinct(...s).add(0.05)], ['clampMin(-0.3)', (x) => x.clampMin(-0.3), (...s) => distinct(...s).add(0.05)],
    ['clampMax(0.4)', (x) => x.clampMax(0.4), (...s) => distinct(...s).add(0.05)],
    ['sigmoid on large |x| (stable branch)', (x) => x.sigmoid(), (...s) => R(...s).mul(15)],
  ];
  for (const [name, f, make] of specs) {
    check(`${name} [3,4]`, (x) => f(x!), [make(3, 4)]);
    check(`${name} on a transposed view`, (x) => f(x!.t()), [make(4, 3)]);
    check(`${name} on a 0-d tensor`, (x) => f(x!), [make()]);
  }
  check('relu after a linear layer (the book\'s composite)', (x, w, b) => x!.matmul(w!).add(b!).relu().sum(), [R(4, 3), R(3, 5), R(5)]);
  check('a chain of unary ops: tanh(exp(sin x)·sigmoid x)', (x) => x!.sin().exp().mul(x!.sigmoid()).tanh(), [R(2, 5)]);
}
un.run();

// ---------------------------------------------------------------- reductions
const red = suite('gradcheck: reductions');
{
  const check = gc(red);
  const dimsList: [string, G.Dims | undefined][] = [['all', undefined], ['0', 0], ['1', 1], ['-1', -1], ['[0,2]', [0, 2]], ['[-1,-2]', [-1, -2]], ['[0,1,2]', [0, 1, 2]]];
  for (const [dn, d] of dimsList)
    for (const keep of d === undefined ? [false] : [false, true]) {
      const k = keep ? ', keepdim' : '';
      check(`sum(${dn}${k})`, (x) => x!.sum(d, keep), [R(2, 3, 4)]);
      check(`mean(${dn}${k})`, (x) => x!.mean(d, keep), [R(2, 3, 4)]);
      check(`prod(${dn}${k})`, (x) => x!.prod(d, keep), [away(0.5, 1.5, 2, 3, 2)]);
      check(`var(${dn}${k})`, (x) => x!.var(d, { keepdim: keep }), [R(2, 3, 4)]);
      check(`std(${dn}${k})`, (x) => x!.std(d, { keepdim: keep }), [R(2, 3, 4)]);
      if (d !== undefined) check(`logsumexp(${dn}${k})`, (x) => x!.logsumexp(d, keep), [R(2, 3, 4).mul(3)]);
    }
  check('prod with a zero element (the gradient is the product of the others)', (x) => x!.prod(), [tensor([1.5, 0, -2, 0.5], { dtype: 'float64' })]);
  check('prod(1) with zeros in a row', (x) => x!.prod(1), [tensor([[1.5, 0, -2], [0, 3, 0]], { dtype: 'float64' })]);
  check('var(unbiased=false)', (x) => x!.var(1, { unbiased: false }), [R(3, 5)]);
  check('std(correction=0, keepdim)', (x) => x!.std(-1, { correction: 0, keepdim: true }), [R(3, 5)]);
  check('var(correction=2) over all', (x) => x!.var(undefined, { correction: 2 }), [R(3, 5)]);
  check('std over all elements', (x) => x!.std(), [R(3, 5)]);
  check('sum on a non-contiguous view', (x) => x!.t().at('::2').sum(1), [R(3, 6)]);
  check('mean on an expanded (stride-0) view', (x) => x!.expand(3, 4, 5).mean([0, 2]), [R(4, 1)]);
  check('logsumexp of large values (stable)', (x) => x!.logsumexp(1), [R(3, 4).mul(50).add(500)]);
  for (const op of ['max', 'min'] as const) {
    check(`${op}() over all elements`, (x) => x![op](), [distinct(3, 4)]);
    for (const d of [0, 1, -1])
      for (const keep of [false, true]) check(`${op}(${d}${keep ? ', keepdim' : ''}) values`, (x) => x![op](d, keep).values, [distinct(3, 4, 2)]);
    check(`${op}(dim) on a transposed view`, (x) => x!.t()[op](0).values, [distinct(4, 3)]);
  }
  for (const d of [0, 1, -1]) {
    check(`sort(${d}) values`, (x) => x!.sort(d).values, [distinct(3, 4, 2)]);
    check(`sort(${d}, descending) values`, (x) => x!.sort(d, true).values, [distinct(3, 4, 2)]);
    check(`topk(2, ${d}) values`, (x) => x!.topk(2, d).values, [distinct(3, 4, 2)]);
    check(`topk(2, ${d}, smallest) values`, (x) => x!.topk(2, d, false).values, [distinct(3, 4, 2)]);
    check(`cumsum(${d})`, (x) => x!.cumsum(d), [R(3, 4, 2)]);
  }
  check('cumsum on a transposed view', (x) => x!.t().cumsum(1), [R(4, 3)]);
  check('sort values weighted (not just summed)', (x) => x!.sort(0).values.mul(tensor([1, 2, 3, 4, 5], { dtype: 'float64' })), [distinct(5)]);
}
red.run();

// ---------------------------------------------------------------- views
const views = suite('gradcheck: views');
{
  const check = gc(views);
  // Fixed weights (drawn once per shape) make a wrong element placement visible.
  const weights = new Map<string, Tensor>();
  const w = (t: Tensor): Tensor => {
    const k = t.shape.join(',');
    if (!weights.has(k)) weights.set(k, R(...t.shape));
    return t.mul(weights.get(k)!);
  };
  check('view', (x) => x!.view(4, 6), [R(2, 3, 4)]);
  check('view(-1)', (x) => x!.view(-1), [R(2, 3, 4)]);
  check('reshape of a contiguous tensor', (x) => x!.reshape(6, 4), [R(2, 3, 4)]);
  check('reshape of a transposed tensor (copies)', (x) => x!.transpose(0, 2).reshape(-1, 2), [R(2, 3, 4)]);
  check('viewAs / reshapeAs', (x) => x!.viewAs(R(3, 8)).reshapeAs(R(4, 6)), [R(2, 3, 4)]);
  check('permute', (x) => x!.permute(2, 0, 1), [R(2, 3, 4)]);
  check('permute with negative dims', (x) => x!.permute([-1, -3, -2]), [R(2, 3, 4)]);
  check('transpose(0, 2)', (x) => x!.transpose(0, 2), [R(2, 3, 4)]);
  check('transpose(-1, -2)', (x) => x!.transpose(-1, -2), [R(2, 3, 4)]);
  check('t()', (x) => x!.t(), [R(3, 5)]);
  check('.T', (x) => x!.T, [R(2, 3, 4)]);
  check('unsqueeze(0), unsqueeze(-1)', (x) => x!.unsqueeze(0).unsqueeze(-1), [R(3, 4)]);
  check('squeeze()', (x) => x!.squeeze(), [R(3, 1, 4, 1)]);
  check('squeeze(1) and squeeze([-1])', (x) => x!.squeeze(1).squeeze([-1]), [R(3, 1, 4, 1)]);
  check('expand (stride 0) of a size-1 dim', (x) => w(x!.expand(3, 4)), [R(3, 1)]);
  check('expand adding leading dims, -1 keeps a size', (x) => w(x!.expand(2, 3, -1)), [R(4)]);
  check('expand a 0-d tensor', (x) => w(x!.expand(2, 3)), [R()]);
  check('expandAs', (x) => w(x!.expandAs(R(2, 3, 4))), [R(1, 4)]);
  check('flatten()', (x) => x!.flatten(), [R(2, 3, 4)]);
  check('flatten(1)', (x) => x!.flatten(1), [R(2, 3, 4)]);
  check('flatten(0, 1) of a permuted tensor', (x) => x!.permute(1, 0, 2).flatten(0, 1), [R(2, 3, 4)]);
  check('narrow(1, 1, 2)', (x) => x!.narrow(1, 1, 2), [R(3, 4)]);
  check('narrow with negative start', (x) => x!.narrow(-1, -3, 2), [R(3, 4)]);
  check('select(0, 1)', (x) => x!.select(0, 1), [R(3, 4)]);
  check('select(-1, -1)', (x) => x!.select(-1, -1), [R(3, 4)]);
  check('chunk(3, 1) (uneven), weighted and recombined', (x) => { const [a, b, c] = x!.chunk(3, 1); return a!.mul(2).sum(1).add(b!.mul(-1).sum(1)).add(c!.square().sum(1)); }, [R(2, 7)]);
  check('chunk, one piece used', (x) => x!.chunk(2)[1]!, [R(4, 3)]);
  check('split(2)', (x) => { const p = x!.split(2); return p[0]!.mul(3).sum().add(p[2]!.sum()); }, [R(5, 2)]);
  check('split([1, 3], dim 1)', (x) => { const [a, b] = x!.split([1, 3], 1); return a!.exp().sum().add(b!.mul(b!).sum()); }, [R(2, 4)]);
  check('unbind(1)', (x) => { const [a, b, c] = x!.unbind(1); return a!.mul(b!).add(c!); }, [R(4, 3)]);
  check('unbind(0) then stack', (x) => stack(x!.unbind(0).reverse(), 1), [R(3, 4)]);
  check('diagonal()', (x) => x!.diagonal(), [R(4, 4)]);
  check('diagonal(1) and diagonal(-1)', (x) => x!.diagonal(1).sum().add(x!.diagonal(-1).mul(2).sum()), [R(4, 5)]);
  check('diagonal(0, 0, 2) of a 3-d tensor', (x) => x!.diagonal(0, 0, 2), [R(3, 2, 3)]);
  check('slicing with steps ::2 and 1::3', (x) => x!.at('::2', '1::3'), [R(5, 7)]);
  check('slicing with negative bounds', (x) => x!.at('-3:-1', ':-2'), [R(5, 4)]);
  check('a chain: permute → slice → unsqueeze → expand → sum', (x) => w(x!.permute(1, 0, 2).at('1:', '::2').unsqueeze(1).expand(-1, 2, -1, -1)), [R(3, 4, 2)]);
  check('contiguous() of a transposed view', (x) => w(x!.t().contiguous()), [R(3, 4)]);
  check('clone()', (x) => x!.clone().mul(2), [R(3, 4)]);
  check('a view used twice (x.t() + x.t().t().t())', (x) => x!.t().add(x!.t().t().t()), [R(3, 3)]);
}
views.run();

// ---------------------------------------------------------------- indexing and setitem
const ix = suite('gradcheck: indexing');
{
  const check = gc(ix);
  check('x.at(1)', (x) => x!.at(1), [R(3, 4)]);
  check('x.at(\':\', 2)', (x) => x!.at(':', 2), [R(3, 4)]);
  check('x.at(null, \'...\', 1)', (x) => x!.at(null, '...', 1), [R(2, 3, 4)]);
  check('x.at(-1, \'1:3\')', (x) => x!.at(-1, '1:3'), [R(3, 4)]);
  check('int-tensor index with repeats (scatter-add)', (x) => x!.at(idx([0, 2, 0, 0, 1])), [R(3, 2)]);
  check('int-list index with repeats on dim 1', (x) => x!.at(':', [3, 3, 0]), [R(2, 4)]);
  check('paired int tensors x[i, j] with repeats (the book\'s x[range(n), targ])', (x) => x!.at(idx([0, 1, 2, 2, 0]), idx([1, 3, 0, 0, 1])), [R(3, 4)]);
  check('broadcast pair of int tensors', (x) => x!.at(idx([0, 2], [2, 1]), idx([1, 1, 3], [1, 3])), [R(3, 4)]);
  check('separated int tensors (advanced dims go first)', (x) => x!.at(idx([1, 0, 1]), ':', idx([2, 2, 0])), [R(2, 3, 4)]);
  check('int tensor after a slice', (x) => x!.at('1:', idx([0, 0, 2])), [R(4, 3)]);
  check('2-d int tensor index', (x) => x!.at(idx([0, 1, 1, 0], [2, 2])), [R(2, 3)]);
  check('negative int-tensor indices', (x) => x!.at(idx([-1, -3, -1])), [R(3, 2)]);
  check('bool mask of the full shape', (x) => x!.at(mask([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0], [3, 4])), [R(3, 4)]);
  check('bool mask on dim 0', (x) => x!.at(mask([0, 1, 1], [3])), [R(3, 4)]);
  check('bool mask after a slice', (x) => x!.at(':', mask([1, 0, 1, 1], [4])), [R(2, 4)]);
  check('gather(1) with repeated indices', (x) => x!.gather(1, idx([0, 0, 2, 1, 1, 1], [2, 3])), [R(2, 3)]);
  check('gather(0) with repeated indices', (x) => x!.gather(0, idx([2, 2, 0, 1, 0, 2], [2, 3])), [R(3, 3)]);
  check('gather(-1) with a narrower index', (x) => x!.gather(-1, idx([1, 1, 0, 3], [4, 1])), [R(4, 4)]);
  check('gather on a transposed view', (x) => x!.t().gather(1, idx([0, 2, 2, 1, 0, 0], [3, 2])), [R(3, 3)]);
  check('indexSelect(0) with repeats', (x) => x!.indexSelect(0, idx([2, 0, 2])), [R(3, 4)]);
  check('indexSelect(-1)', (x) => x!.indexSelect(-1, idx([3, 1, 1])), [R(3, 4)]);
  check('setAt a row of a non-leaf with a tensor: base and value get grads', (x, v) => { const h = x!.mul(2); h.setAt(1, v!); return h; }, [R(3, 4), R(4)]);
  check('setAt a strided slice with a broadcast value', (x, v) => { const h = x!.sin(); h.setAt([':', '::2'], v!); return h.mul(h); }, [R(3, 4), R(3, 1)]);
  check('setAt with a scalar (base only)', (x) => { const h = x!.clone(); h.setAt([0, 1], 5); return h.mul(x!); }, [R(3, 4)]);
  check('setAt with an int-tensor index', (x, v) => { const h = x!.mul(1); h.setAt([idx([2, 0])], v!); return h.sin(); }, [R(3, 2), R(2, 2)]);
  check('setAt with paired int tensors', (x, v) => { const h = x!.mul(1); h.setAt([idx([0, 2]), idx([1, 0])], v!); return h; }, [R(3, 2), R(2)]);
  check('setAt with a bool mask', (x, v) => { const h = x!.add(0); h.setAt([mask([1, 0, 0, 1, 1, 0], [2, 3])], v!); return h.mul(3); }, [R(2, 3), R(3)]);
  check('two setAt writes in a row, then a read', (x, v, u) => { const h = x!.mul(1); h.setAt(0, v!); h.setAt([':', 1], u!); return h.tanh(); }, [R(3, 3), R(3), R(3)]);
  // PyTorch rebases in place: uses of h taken before the write keep the old history.
  check('a use of h taken before setAt keeps the old history (a = h·3; h[0] = 0)', (x) => { const h = x!.mul(1); const a = h.mul(3); h.setAt(0, 0); return a.add(h); }, [R(3, 4)]);
  check('setAt where the value depends on the base (h[0] = h[1] * 2)', (x) => { const h = x!.mul(1); h.setAt(0, h.at(1).mul(2)); return h; }, [R(3, 4)]);
  check('indexPut_ with accumulate and repeated indices', (x, v) => { const h = x!.mul(1); h.indexPut_([idx([1, 1, 0])], v!, true); return h; }, [R(3, 2), R(3, 2)]);
}
ix.run();

const inp = suite('gradcheck: in-place ops on non-leaves');
{
  const check = gc(inp);
  // PyTorch rebases the tensor onto the op's history.
  const inplace: [string, (h: Tensor) => Tensor, (...s: number[]) => Tensor][] = [
    ['relu_', (h) => h.relu_(), (...s) => away(0.1, 2, ...s)], ['sigmoid_', (h) => h.sigmoid_(), R], ['tanh_', (h) => h.tanh_(), R],
    ['exp_', (h) => h.exp_(), R], ['sqrt_', (h) => h.sqrt_(), (...s) => U(0.5, 2, ...s)], ['neg_', (h) => h.neg_(), R],
    ['add_(2.5)', (h) => h.add_(2.5), R], ['mul_(3)', (h) => h.mul_(3), R],
    ['log_', (h) => h.log_(), (...s) => U(0.5, 2, ...s)], ['abs_', (h) => h.abs_(), (...s) => away(0.1, 2, ...s)],
    ['clampMin_(0)', (h) => h.clampMin_(0), (...s) => away(0.1, 2, ...s)], ['clamp_(-0.5, 0.5)', (h) => h.clamp_(-0.5, 0.5), (...s) => distinct(...s).add(0.05)],
    ['pow_(3)', (h) => h.pow_(3), R],
  ];
  for (const [name, f, make] of inplace) check(`h = x·1; h.${name} on a non-leaf`, (x) => f(x!.mul(1)).mul(2), [make(3, 4)]);
  check('h = x·1; h.mul_(y) with y requiring grad', (x, y) => x!.mul(1).mul_(y!), [R(3, 4), R(4)]);
  check('h = x·1; h.add_(y) with broadcast y', (x, y) => x!.mul(1).add_(y!), [R(3, 4), R(3, 1)]);
  check('h = x·1; h.copy_(y): the base gets no grad, y does', (x, y) => x!.mul(1).copy_(y!).mul(x!), [R(3, 4), R(4)]);
  check('indexPut_ without accumulate', (x, v) => { const h = x!.mul(1); h.indexPut_([idx([2, 0])], v!); return h; }, [R(3, 2), R(2, 2)]);
}
inp.run();

// ---------------------------------------------------------------- cat, stack, softmax, custom Function, dtypes
const misc = suite('gradcheck: join, softmax, Function, dtype');
{
  const check = gc(misc);
  check('cat dim 0', (a, b) => cat([a!, b!]), [R(2, 3), R(4, 3)]);
  check('cat dim 1 of three tensors', (a, b, c) => cat([a!, b!, c!], 1), [R(2, 1), R(2, 3), R(2, 2)]);
  check('cat dim -1 of non-contiguous views', (a, b) => cat([a!.t(), b!.at(':', '::2')], -1), [R(3, 2), R(2, 6)]);
  check('cat the same tensor twice', (a) => cat([a!, a!.mul(2), a!], 0), [R(2, 3)]);
  check('cat with an empty 1-d tensor skipped', (a) => cat([G.zeros([0], { dtype: 'float64' }), a!]), [R(3)]);
  check('stack dim 0', (a, b) => stack([a!, b!]), [R(2, 3), R(2, 3)]);
  check('stack dim 1', (a, b, c) => stack([a!, b!, c!], 1), [R(2, 3), R(2, 3), R(2, 3)]);
  check('stack dim -1', (a, b) => stack([a!, b!.t()], -1), [R(2, 3), R(3, 2)]);
  for (const d of [0, 1, -1]) {
    check(`softmax(${d})`, (x) => softmax(x!, d), [R(3, 4).mul(2)]);
    check(`logSoftmax(${d})`, (x) => logSoftmax(x!, d), [R(3, 4).mul(2)]);
  }
  check('softmax of large logits (stable)', (x) => x!.softmax(-1), [R(3, 4).mul(40).add(300)]);
  check('logSoftmax on a 3-d transposed view', (x) => x!.transpose(0, 2).logSoftmax(1), [R(2, 3, 4)]);
  check('cross-entropy by hand: -logSoftmax(x)[range(n), targ].mean()', (x) => x!.logSoftmax(-1).at(G.arange(4), idx([1, 0, 2, 2])).neg().mean(), [R(4, 3)]);

  class MulAdd extends Function {
    static override forward(ctx: FunctionCtx, a: Tensor, b: Tensor, c: Tensor): Tensor {
      ctx.saveForBackward(a, b);
      return a.mul(b).add(c);
    }
    static override backward(ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
      const [a, b] = ctx.savedTensors;
      return [g.mul(b!), g.mul(a!), g];
    }
  }
  class Cube extends Function {
    static override forward(ctx: FunctionCtx, x: Tensor, k: number): Tensor {
      ctx.saveForBackward(x);
      ctx.state.k = k;
      return x.pow(3).mul(k);
    }
    static override backward(ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
      const [x] = ctx.savedTensors;
      return [g.mul(x!.square()).mul(3 * (ctx.state.k as number)), null];
    }
  }
  class MyRelu extends Function {
    static override forward(ctx: FunctionCtx, i: Tensor): Tensor { ctx.saveForBackward(i); return i.clampMin(0); }
    static override backward(ctx: FunctionCtx, g: Tensor): Tensor { return g.mul(ctx.savedTensors[0]!.gt(0)); }
  }
  check('custom Function with three tensor inputs (broadcast c)', (a, b, c) => MulAdd.apply(a, b, c), [R(2, 3), R(2, 3), R(3)]);
  check('custom Function with a non-tensor argument', (x) => Cube.apply(x, 1.5), [R(2, 3)]);
  check('custom Function (ch17 ReLU) composed with ops', (x, w) => (MyRelu.apply(x!.matmul(w!)) as Tensor).sum(1), [away(0.2, 1, 3, 4), R(4, 2)]);
  check('to(float32) round trip', (x) => x!.to('float32').mul(2).to('float64'), [R(3, 4)], { eps: 1e-3, atol: 1e-3, rtol: 1e-3 });
  check('float() and double() round trip', (x) => x!.float().double().mul(x!), [R(3)], { eps: 1e-3, atol: 1e-3, rtol: 1e-3 });
  check('to(float64) of a float64 tensor is the identity', (x) => x!.to('float64').mul(3), [R(3)]);
}
misc.run();

// ---------------------------------------------------------------- kernel-backed: matmul, einsum, conv2d, unfold
describeBackends('gradcheck: matmul', (t) => {
  const check = gc(t);
  check('1-D · 1-D (dot)', (a, b) => a!.matmul(b!), [R(4), R(4)]);
  check('1-D · 2-D', (a, b) => a!.matmul(b!), [R(3), R(3, 4)]);
  check('2-D · 1-D', (a, b) => a!.matmul(b!), [R(3, 4), R(4)]);
  check('2-D · 2-D', (a, b) => a!.matmul(b!), [R(3, 4), R(4, 2)]);
  check('mm', (a, b) => a!.mm(b!), [R(2, 3), R(3, 2)]);
  check('dot', (a, b) => a!.dot(b!), [R(5), R(5)]);
  check('bmm', (a, b) => a!.bmm(b!), [R(2, 3, 4), R(2, 4, 2)]);
  check('batched 3-D · 3-D', (a, b) => a!.matmul(b!), [R(2, 2, 3), R(2, 3, 2)]);
  check('batched · 2-D (broadcast weight)', (a, b) => a!.matmul(b!), [R(2, 3, 4), R(4, 2)]);
  check('2-D · batched', (a, b) => a!.matmul(b!), [R(3, 4), R(2, 4, 2)]);
  check('broadcast batch dims [2,1] with [3]', (a, b) => a!.matmul(b!), [R(2, 1, 2, 3), R(3, 3, 2)]);
  check('batched · 1-D', (a, b) => a!.matmul(b!), [R(2, 3, 4), R(4)]);
  check('1-D · batched', (a, b) => a!.matmul(b!), [R(3), R(2, 3, 4)]);
  check('transposed operands (a.t() · b.t())', (a, b) => a!.t().matmul(b!.t()), [R(4, 3), R(2, 4)]);
  check('sliced operands (strided rows and cols)', (a, b) => a!.at('::2').matmul(b!.at(':', '1::2')), [R(6, 3), R(3, 5)]);
  check('expanded operand (stride-0 batch)', (a, b) => a!.expand(3, 2, 4).matmul(b!), [R(2, 4), R(3, 4, 2)]);
  check('permuted batched operand', (a, b) => a!.permute(1, 0, 2).matmul(b!), [R(3, 2, 4), R(4, 2)]);
  check('x @ x.T (the same tensor twice)', (a) => a!.matmul(a!.t()), [R(3, 4)]);
}, ['js', 'native']);

describeBackends('gradcheck: einsum', (t) => {
  const check = gc(t);
  const forms: [string, number[][]][] = [
    ['ik,kj->ij', [[2, 3], [3, 4]]], ['ij->ji', [[3, 4]]], ['bi,ij,bj->b', [[2, 3], [3, 4], [2, 4]]], ['bik,bkj->bij', [[2, 3, 2], [2, 2, 4]]],
    ['ck,kij->cij', [[2, 3], [3, 2, 2]]], ['ii', [[3, 3]]], ['ii->i', [[3, 3]]], ['ij->', [[2, 3]]], ['ij->j', [[2, 3]]], ['i,i->', [[4], [4]]],
    ['i,j->ij', [[3], [4]]], ['ij,ij->ij', [[2, 3], [2, 3]]], ['ik,jk', [[2, 3], [4, 3]]], ['ij,jk', [[2, 3], [3, 2]]], ['ba', [[2, 3]]],
    ['...ij,...jk->...ik', [[2, 2, 3], [2, 3, 2]]], ['...ij->...ji', [[2, 3, 4]]], ['b...,b...->b', [[2, 3, 2], [2, 3, 2]]], ['i...->...', [[3, 2, 2]]],
    ['...ii->...i', [[2, 3, 3]]], ['...', [[2, 3]]], ['ij,jk,kl->il', [[2, 3], [3, 2], [2, 3]]], ['ij,jk,kl,lm->im', [[2, 2], [2, 3], [3, 2], [2, 2]]],
    ['bn,anm,bm->ba', [[2, 3], [4, 3, 2], [2, 2]]], ['iij->j', [[2, 2, 3]]], ['iji->j', [[2, 3, 2]]], ['iii->i', [[2, 2, 2]]],
    ['ij,ij->', [[2, 3], [2, 3]]], ['i,i,i->i', [[3], [3], [3]]], ['bij,bjk->bik', [[2, 2, 3], [2, 3, 2]]], ['ijk->kji', [[2, 3, 2]]],
    ['ij,kl->ijkl', [[2, 2], [2, 3]]], ['ii,i->i', [[3, 3], [3]]], ['a,b,c->abc', [[2], [3], [2]]],
  ];
  for (const [eq, shapes] of forms) check(`einsum('${eq}')`, (...xs) => einsum(eq, ...xs), shapes.map((s) => R(...s)));
  check("einsum('ik,kj->ij') on transposed operands", (a, b) => einsum('ik,kj->ij', a!.t(), b!.t()), [R(3, 2), R(4, 3)]);
  check("einsum('ij,ij->i') with the same operand twice", (a) => einsum('ij,ij->i', a!, a!), [R(3, 4)]);
  check("einsum('...j,j->...') with a broadcast ellipsis (size-1 dim)", (a, b) => einsum('...j,...j->...', a!, b!), [R(3, 1, 4), R(1, 2, 4)]);
}, ['js', 'native']);

describeBackends('gradcheck: conv2d and unfold', (t) => {
  const check = gc(t);
  check('conv2d input, weight, bias', (x, w, b) => conv2d(x!, w!, b!), [R(2, 3, 5, 5), R(4, 3, 3, 3), R(4)]);
  check('conv2d without bias', (x, w) => conv2d(x!, w!), [R(1, 2, 4, 4), R(3, 2, 2, 2)]);
  check('conv2d stride 2', (x, w, b) => conv2d(x!, w!, b!, { stride: 2 }), [R(2, 2, 5, 5), R(3, 2, 3, 3), R(3)]);
  check('conv2d padding 1', (x, w, b) => conv2d(x!, w!, b!, { padding: 1 }), [R(1, 2, 4, 4), R(2, 2, 3, 3), R(2)]);
  check('conv2d stride 2, padding 1', (x, w, b) => conv2d(x!, w!, b!, { stride: 2, padding: 1 }), [R(2, 1, 5, 5), R(2, 1, 3, 3), R(2)]);
  check('conv2d asymmetric stride [1,2], padding [2,0]', (x, w) => conv2d(x!, w!, null, { stride: [1, 2], padding: [2, 0] }), [R(1, 2, 4, 5), R(2, 2, 3, 2)]);
  check('conv2d 1×1 kernel', (x, w, b) => conv2d(x!, w!, b!), [R(2, 3, 3, 3), R(2, 3, 1, 1), R(2)]);
  check('conv2d of a 3-d input (no batch dim)', (x, w, b) => conv2d(x!, w!, b!), [R(2, 4, 4), R(3, 2, 3, 3), R(3)]);
  check('conv2d of a non-contiguous input and weight', (x, w) => conv2d(x!.permute(0, 1, 3, 2), w!.transpose(2, 3)), [R(1, 2, 5, 4), R(2, 2, 3, 3)]);
  check('conv2d method form, then relu and a second conv', (x, w1, w2) => x!.conv2d(w1!, null, { padding: 1 }).tanh().conv2d(w2!), [R(1, 1, 4, 4), R(2, 1, 3, 3), R(1, 2, 3, 3)]);
  check('unfold kernel 2', (x) => unfold(x!, 2), [R(1, 2, 3, 3)]);
  check('unfold kernel 3, padding 1', (x) => unfold(x!, 3, { padding: 1 }), [R(2, 1, 3, 3)]);
  check('unfold kernel [2,3], stride 2', (x) => unfold(x!, [2, 3], { stride: 2 }), [R(1, 2, 5, 5)]);
  check('unfold then matmul equals conv (ch17 im2col route)', (x, w) => w!.view(2, -1).matmul(unfold(x!, 3)), [R(1, 2, 4, 4), R(2, 2, 3, 3)]);
}, ['js', 'native']);
