// Elementwise ops with NumPy broadcasting and PyTorch type promotion. Each op is one line in a
// table; the loops live in iterate.ts. Values are computed in double precision and stored in
// the result dtype (exact for + − × ÷ and sqrt in float32).
import { DTypeError, ShapeError } from '@groundup/kernels';
import { allocate, isFloating, resultType, scalarDType, type DType, type Operand, type Scalar } from './dtype.ts';
import { binaryLoop, ternaryLoop, unaryLoop, writeStrided, type Strided } from './iterate.ts';
import { broadcastAll, fmt, sameShape } from './shape.ts';
import { Storage } from './storage.ts';
import { attach } from './autograd/node.ts';
import { Tensor } from './tensor.ts';
import { expand } from './views.ts';

export type TensorLike = Tensor | Scalar;

const operand = (x: TensorLike): Operand =>
  x instanceof Tensor ? { dtype: x.dtype, rank: x.ndim === 0 ? 'zero' : 'dim' } : { dtype: scalarDType(x), rank: 'scalar' };

const shapeOf = (x: TensorLike): readonly number[] => (x instanceof Tensor ? x.shape : []);

/** x as a strided operand of `shape`: stride 0 on broadcast dims, a one-element array for scalars. */
function strided(x: TensorLike, shape: readonly number[]): Strided {
  if (!(x instanceof Tensor)) return { data: new Float64Array([Number(x)]), strides: shape.map(() => 0), offset: 0 };
  return sameShape(x.shape, shape) ? x : expand(x, shape);
}

function make(dtype: DType, shape: readonly number[]): Tensor {
  return new Tensor(new Storage(allocate(dtype, shape.reduce((a, b) => a * b, 1))), shape, undefined, 0, dtype);
}

type Kind = 'same' | 'float' | 'bool';

/** Each op's expression in x (and y), compiled into its own loop by kernel-cache.ts. */
const EXPR: Record<string, string> = {
  add: 'x + y', sub: 'x - y', mul: 'x * y', div: 'x / y', pow: '(y === 2 ? x * x : Math.pow(x, y))',
  maximum: '(x !== x || y !== y ? NaN : x > y ? x : y)', minimum: '(x !== x || y !== y ? NaN : x < y ? x : y)',
  lt: '+(x < y)', le: '+(x <= y)', gt: '+(x > y)', ge: '+(x >= y)', eq: '+(x === y)', ne: '+(x !== y)',
  logicalAnd: '+(x !== 0 && y !== 0)', logicalOr: '+(x !== 0 || y !== 0)',
  neg: '-x', abs: 'Math.abs(x)', sqrt: 'Math.sqrt(x)', rsqrt: '1 / Math.sqrt(x)', exp: 'Math.exp(x)', log: 'Math.log(x)',
  log1p: 'Math.log1p(x)', expm1: 'Math.expm1(x)', sin: 'Math.sin(x)', cos: 'Math.cos(x)', tanh: 'Math.tanh(x)',
  sigmoid: '(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))', relu: '(x <= 0 ? 0 : x)', pow2: 'x * x',
  reciprocal: '1 / x', sign: '(x > 0 ? 1 : x < 0 ? -1 : 0)', floor: 'Math.floor(x)', ceil: 'Math.ceil(x)',
  logicalNot: '+(x === 0)', isnan: '+(x !== x)', isinf: '+(x === Infinity || x === -Infinity)', isfinite: '+Number.isFinite(x)',
};
const outDType = (kind: Kind, common: DType): DType =>
  kind === 'bool' ? 'bool' : kind === 'float' && !isFloating(common) ? 'float32' : common;

export function binary(op: string, a: TensorLike, b: TensorLike, f: (x: number, y: number) => number, kind: Kind = 'same'): Tensor {
  const shape = broadcastAll(op, [shapeOf(a), shapeOf(b)]);
  const out = make(outDType(kind, resultType([operand(a), operand(b)])), shape);
  // bool results of arithmetic stay 0/1 (True + True is True, as in PyTorch).
  const wrap = out.dtype === 'bool' && kind !== 'bool';
  const g = wrap ? (x: number, y: number): number => +(f(x, y) !== 0) : f;
  const expr = EXPR[op];
  binaryLoop(shape, strided(a, shape), strided(b, shape), out.data, g, expr === undefined ? undefined : wrap ? `+((${expr}) !== 0)` : expr);
  return out;
}

export function unary(op: string, a: Tensor, f: (x: number) => number, kind: Kind = 'same'): Tensor {
  const out = make(outDType(kind, a.dtype), a.shape);
  unaryLoop(a.shape, a, out.data, f, EXPR[op]);
  return out;
}

/** Writes `value` (broadcast) into `self` in place, refusing a lossy dtype change as PyTorch does. */
export function assignInPlace(op: string, self: Tensor, value: Tensor): Tensor {
  if (value.dtype !== self.dtype && resultType([{ dtype: value.dtype, rank: 'dim' }, { dtype: self.dtype, rank: 'dim' }]) !== self.dtype)
    throw new DTypeError(`${op}: result type ${value.dtype} can't be cast to the desired output type ${self.dtype} of the in-place op; use the out-of-place op, or convert the tensor first`);
  if (!sameShape(broadcastAll(op, [self.shape, value.shape]), self.shape))
    throw new ShapeError(`${op}: an in-place result of shape ${fmt(value.shape)} does not fit into ${fmt(self.shape)}`);
  writeStrided(self.shape, self, sameShape(value.shape, self.shape) ? value : expand(value, self.shape));
  self.markDirty();
  return self;
}

const sigm = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const T = (x: TensorLike): Tensor | null => (x instanceof Tensor ? x : null);
const needs = (x: TensorLike): boolean => x instanceof Tensor && x.requiresGrad;
/** The tensors a backward needs: `x` only when the other operand will receive a gradient. */
const keep = (x: TensorLike, forOther: TensorLike): Tensor[] => (x instanceof Tensor && needs(forOther) ? [x] : []);

export const add = (a: TensorLike, b: TensorLike, alpha = 1): Tensor =>
  attach(alpha === 1 ? binary('add', a, b, (x, y) => x + y) : binary('add (alpha)', a, b, (x, y) => x + alpha * y),
    'AddBackward0', [a, b], (g) => [g, alpha === 1 ? g : g.mul(alpha)]);
export const sub = (a: TensorLike, b: TensorLike, alpha = 1): Tensor =>
  attach(alpha === 1 ? binary('sub', a, b, (x, y) => x - y) : binary('sub (alpha)', a, b, (x, y) => x - alpha * y),
    'SubBackward0', [a, b], (g) => [g, g.mul(-alpha)]);
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  attach(binary('mul', a, b, (x, y) => x * y), 'MulBackward0', [a, b], (g) => [needs(a) ? g.mul(b) : null, needs(b) ? g.mul(a) : null],
    [...keep(b, a), ...keep(a, b)]);
/** True division: integer inputs give float32, as in PyTorch. */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  attach(binary('div', a, b, (x, y) => x / y, 'float'), 'DivBackward0', [a, b],
    (g) => [needs(a) ? g.div(b) : null, needs(b) ? g.mul(a).neg().div(mul(b, b)) : null], [...keep(b, a), ...keep(b, b), ...keep(a, b)]);
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const out = binary('pow', a, b, (x, y) => (y === 2 ? x * x : Math.pow(x, y)));
  // d/dy x^y = x^y·log x; PyTorch takes it as 0 where x = 0 and y ≥ 0.
  const logA = (): TensorLike => (a instanceof Tensor ? log(a) : Math.log(Number(a)));
  return attach(out, 'PowBackward0', [a, b], (g) => [
    needs(a) ? g.mul(b).mul(pow(a, sub(b, 1))) : null,
    needs(b) ? g.mul(where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(out, logA()))) : null,
  ], [...keep(a, a), ...keep(b, a), ...(needs(b) ? [out] : [])]);
}
/** On ties the gradient is split evenly, as in PyTorch. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  attach(binary('maximum', a, b, (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y)), 'MaximumBackward0', [a, b], (g) => {
    const half = mul(eq(a, b), 0.5);
    return [needs(a) ? g.mul(add(gt(a, b), half)) : null, needs(b) ? g.mul(add(lt(a, b), half)) : null];
  }, [...(T(a) ? [T(a)!] : []), ...(T(b) ? [T(b)!] : [])]);
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  attach(binary('minimum', a, b, (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y)), 'MinimumBackward0', [a, b], (g) => {
    const half = mul(eq(a, b), 0.5);
    return [needs(a) ? g.mul(add(lt(a, b), half)) : null, needs(b) ? g.mul(add(gt(a, b), half)) : null];
  }, [...(T(a) ? [T(a)!] : []), ...(T(b) ? [T(b)!] : [])]);
export const remainder = (a: TensorLike, b: TensorLike): Tensor =>
  attach(binary('remainder', a, b, (x, y) => x - Math.floor(x / y) * y), 'RemainderBackward0', [a, b],
    (g) => [g, needs(b) ? g.mul(floor(div(a, b))).neg() : null], [...keep(a, b), ...keep(b, b)]);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary('lt', a, b, (x, y) => +(x < y), 'bool');
export const le = (a: TensorLike, b: TensorLike): Tensor => binary('le', a, b, (x, y) => +(x <= y), 'bool');
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary('gt', a, b, (x, y) => +(x > y), 'bool');
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary('ge', a, b, (x, y) => +(x >= y), 'bool');
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary('eq', a, b, (x, y) => +(x === y), 'bool');
export const ne = (a: TensorLike, b: TensorLike): Tensor => binary('ne', a, b, (x, y) => +(x !== y), 'bool');
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('logicalAnd', a, b, (x, y) => +(x !== 0 && y !== 0), 'bool');
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('logicalOr', a, b, (x, y) => +(x !== 0 || y !== 0), 'bool');
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => binary('logicalXor', a, b, (x, y) => +((x !== 0) !== (y !== 0)), 'bool');

/** A differentiable unary op: d(out)/dx from the input x and the output. */
function unaryGrad(name: string, a: Tensor, f: (x: number) => number, kind: Kind, dx: (x: Tensor, out: Tensor) => Tensor | number,
  saves: 'x' | 'out' | 'both' | 'none', key = name.toLowerCase()): Tensor {
  const out = unary(key, a, f, kind);
  const saved = saves === 'x' ? [a] : saves === 'out' ? [out] : saves === 'both' ? [a, out] : [];
  return attach(out, `${name}Backward0`, [a], (g) => [g.mul(dx(a, out))], saved);
}

export const neg = (a: Tensor): Tensor => {
  if (a.dtype === 'bool') throw new DTypeError('neg: negation of a bool tensor is not supported; use logicalNot()');
  return unaryGrad('Neg', a, (x) => -x, 'same', () => -1, 'none');
};
export const abs = (a: Tensor): Tensor => unaryGrad('Abs', a, Math.abs, 'same', (x) => sign(x), 'x');
export const sqrt = (a: Tensor): Tensor => unaryGrad('Sqrt', a, Math.sqrt, 'float', (_x, o) => reciprocal(o).mul(0.5), 'out');
export const rsqrt = (a: Tensor): Tensor => unaryGrad('Rsqrt', a, (x) => 1 / Math.sqrt(x), 'float', (_x, o) => o.mul(o).mul(o).mul(-0.5), 'out');
export const exp = (a: Tensor): Tensor => unaryGrad('Exp', a, Math.exp, 'float', (_x, o) => o, 'out');
export const log = (a: Tensor): Tensor => unaryGrad('Log', a, Math.log, 'float', (x) => reciprocal(x), 'x');
export const log1p = (a: Tensor): Tensor => unaryGrad('Log1p', a, Math.log1p, 'float', (x) => reciprocal(add(x, 1)), 'x');
export const expm1 = (a: Tensor): Tensor => unaryGrad('Expm1', a, Math.expm1, 'float', (_x, o) => add(o, 1), 'out');
export const sin = (a: Tensor): Tensor => unaryGrad('Sin', a, Math.sin, 'float', (x) => cos(x), 'x');
export const cos = (a: Tensor): Tensor => unaryGrad('Cos', a, Math.cos, 'float', (x) => sin(x).neg(), 'x');
export const sigmoid = (a: Tensor): Tensor => unaryGrad('Sigmoid', a, sigm, 'float', (_x, o) => o.mul(sub(1, o)), 'out');
export const tanh = (a: Tensor): Tensor => unaryGrad('Tanh', a, Math.tanh, 'float', (_x, o) => sub(1, o.mul(o)), 'out');
export const relu = (a: Tensor): Tensor => unaryGrad('Relu', a, (x) => (x <= 0 ? 0 : x), 'same', (_x, o) => gt(o, 0), 'out');
export const square = (a: Tensor): Tensor => unaryGrad('Pow', a, (x) => x * x, 'same', (x) => x.mul(2), 'x', 'pow2');
export const reciprocal = (a: Tensor): Tensor => unaryGrad('Reciprocal', a, (x) => 1 / x, 'float', (_x, o) => o.mul(o).neg(), 'out');
export const sign = (a: Tensor): Tensor => unaryGrad('Sign', a, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), 'same', () => 0, 'none');
export const floor = (a: Tensor): Tensor => unaryGrad('Floor', a, Math.floor, 'same', () => 0, 'none');
export const ceil = (a: Tensor): Tensor => unaryGrad('Ceil', a, Math.ceil, 'same', () => 0, 'none');
/** Rounds half to even, as PyTorch does. */
export const round = (a: Tensor): Tensor => unaryGrad('Round', a, (x) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}, 'same', () => 0, 'none');
export const logicalNot = (a: Tensor): Tensor => unary('logicalNot', a, (x) => +(x === 0), 'bool');
export const isnan = (a: Tensor): Tensor => unary('isnan', a, (x) => +(x !== x), 'bool');
export const isinf = (a: Tensor): Tensor => unary('isinf', a, (x) => +(x === Infinity || x === -Infinity), 'bool');
export const isfinite = (a: Tensor): Tensor => unary('isfinite', a, (x) => +Number.isFinite(x), 'bool');

export function clamp(a: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  const dtype = !isFloating(a.dtype) && (!Number.isInteger(lo) && Number.isFinite(lo) || !Number.isInteger(hi) && Number.isFinite(hi)) ? 'float32' : a.dtype;
  const out = make(dtype, a.shape);
  // min(max(x, lo), hi): with lo > hi everything becomes hi, as in PyTorch.
  unaryLoop(a.shape, a, out.data, (x) => (x !== x ? x : x < lo ? (lo > hi ? hi : lo) : x > hi ? hi : x));
  // The gradient passes where lo ≤ x ≤ hi, as in PyTorch.
  return attach(out, 'ClampBackward1', [a], (g) => [g.mul(logicalAnd(ge(a, lo), le(a, hi)))], [a]);
}
export const clampMin = (a: Tensor, min: number): Tensor => clamp(a, min, null);
export const clampMax = (a: Tensor, max: number): Tensor => clamp(a, null, max);

/** cond ? a : b, elementwise with broadcasting. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const shape = broadcastAll('where', [cond.shape, shapeOf(a), shapeOf(b)]);
  const out = make(resultType([operand(a), operand(b)]), shape);
  ternaryLoop(shape, strided(cond, shape), strided(a, shape), strided(b, shape), out.data, (c, x, y) => (c !== 0 ? x : y), '(x !== 0 ? y : z)');
  return attach(out, 'WhereBackward0', [a, b], (g) => [needs(a) ? where(cond, g, 0) : null, needs(b) ? where(cond, 0, g) : null], [cond]);
}
