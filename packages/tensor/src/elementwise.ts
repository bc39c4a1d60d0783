// Elementwise ops with NumPy broadcasting and PyTorch type promotion. Each op is one line in a
// table; the loops live in iterate.ts. Values are computed in double precision and stored in
// the result dtype (exact for + − × ÷ and sqrt in float32).
import { DTypeError, ShapeError } from '@groundup/kernels';
import { allocate, isFloating, resultType, scalarDType, type DType, type Operand, type Scalar } from './dtype.ts';
import { binaryLoop, ternaryLoop, unaryLoop, writeStrided, type Strided } from './iterate.ts';
import { broadcastAll, fmt, sameShape } from './shape.ts';
import { Storage } from './storage.ts';
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
const outDType = (kind: Kind, common: DType): DType =>
  kind === 'bool' ? 'bool' : kind === 'float' && !isFloating(common) ? 'float32' : common;

export function binary(op: string, a: TensorLike, b: TensorLike, f: (x: number, y: number) => number, kind: Kind = 'same'): Tensor {
  const shape = broadcastAll(op, [shapeOf(a), shapeOf(b)]);
  const out = make(outDType(kind, resultType([operand(a), operand(b)])), shape);
  binaryLoop(shape, strided(a, shape), strided(b, shape), out.data, f);
  return out;
}

export function unary(op: string, a: Tensor, f: (x: number) => number, kind: Kind = 'same'): Tensor {
  const out = make(outDType(kind, a.dtype), a.shape);
  unaryLoop(a.shape, a, out.data, f);
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

export const add = (a: TensorLike, b: TensorLike, alpha = 1): Tensor =>
  alpha === 1 ? binary('add', a, b, (x, y) => x + y) : binary('add', a, b, (x, y) => x + alpha * y);
export const sub = (a: TensorLike, b: TensorLike, alpha = 1): Tensor =>
  alpha === 1 ? binary('sub', a, b, (x, y) => x - y) : binary('sub', a, b, (x, y) => x - alpha * y);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b, (x, y) => x * y);
/** True division: integer inputs give float32, as in PyTorch. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b, (x, y) => x / y, 'float');
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b, (x, y) => (y === 2 ? x * x : Math.pow(x, y)));
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b, (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y));
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b, (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y));
export const remainder = (a: TensorLike, b: TensorLike): Tensor => binary('remainder', a, b, (x, y) => x - Math.floor(x / y) * y);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary('lt', a, b, (x, y) => +(x < y), 'bool');
export const le = (a: TensorLike, b: TensorLike): Tensor => binary('le', a, b, (x, y) => +(x <= y), 'bool');
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary('gt', a, b, (x, y) => +(x > y), 'bool');
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary('ge', a, b, (x, y) => +(x >= y), 'bool');
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary('eq', a, b, (x, y) => +(x === y), 'bool');
export const ne = (a: TensorLike, b: TensorLike): Tensor => binary('ne', a, b, (x, y) => +(x !== y), 'bool');
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('logicalAnd', a, b, (x, y) => +(x !== 0 && y !== 0), 'bool');
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('logicalOr', a, b, (x, y) => +(x !== 0 || y !== 0), 'bool');
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => binary('logicalXor', a, b, (x, y) => +((x !== 0) !== (y !== 0)), 'bool');

export const neg = (a: Tensor): Tensor => {
  if (a.dtype === 'bool') throw new DTypeError('neg: negation of a bool tensor is not supported; use logicalNot()');
  return unary('neg', a, (x) => -x);
};
export const abs = (a: Tensor): Tensor => unary('abs', a, Math.abs);
export const sqrt = (a: Tensor): Tensor => unary('sqrt', a, Math.sqrt, 'float');
export const rsqrt = (a: Tensor): Tensor => unary('rsqrt', a, (x) => 1 / Math.sqrt(x), 'float');
export const exp = (a: Tensor): Tensor => unary('exp', a, Math.exp, 'float');
export const log = (a: Tensor): Tensor => unary('log', a, Math.log, 'float');
export const log1p = (a: Tensor): Tensor => unary('log1p', a, Math.log1p, 'float');
export const expm1 = (a: Tensor): Tensor => unary('expm1', a, Math.expm1, 'float');
export const sin = (a: Tensor): Tensor => unary('sin', a, Math.sin, 'float');
export const cos = (a: Tensor): Tensor => unary('cos', a, Math.cos, 'float');
export const sigmoid = (a: Tensor): Tensor => unary('sigmoid', a, sigm, 'float');
export const tanh = (a: Tensor): Tensor => unary('tanh', a, Math.tanh, 'float');
export const relu = (a: Tensor): Tensor => unary('relu', a, (x) => (x <= 0 ? 0 : x));
export const square = (a: Tensor): Tensor => unary('square', a, (x) => x * x);
export const reciprocal = (a: Tensor): Tensor => unary('reciprocal', a, (x) => 1 / x, 'float');
export const sign = (a: Tensor): Tensor => unary('sign', a, (x) => (x > 0 ? 1 : x < 0 ? -1 : x));
export const floor = (a: Tensor): Tensor => unary('floor', a, Math.floor);
export const ceil = (a: Tensor): Tensor => unary('ceil', a, Math.ceil);
/** Rounds half to even, as PyTorch does. */
export const round = (a: Tensor): Tensor => unary('round', a, (x) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
});
export const logicalNot = (a: Tensor): Tensor => unary('logicalNot', a, (x) => +(x === 0), 'bool');
export const isnan = (a: Tensor): Tensor => unary('isnan', a, (x) => +(x !== x), 'bool');
export const isinf = (a: Tensor): Tensor => unary('isinf', a, (x) => +(x === Infinity || x === -Infinity), 'bool');
export const isfinite = (a: Tensor): Tensor => unary('isfinite', a, (x) => +Number.isFinite(x), 'bool');

export function clamp(a: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  const dtype = !isFloating(a.dtype) && (!Number.isInteger(lo) && Number.isFinite(lo) || !Number.isInteger(hi) && Number.isFinite(hi)) ? 'float32' : a.dtype;
  const out = make(dtype, a.shape);
  unaryLoop(a.shape, a, out.data, (x) => (x !== x ? x : x < lo ? lo : x > hi ? hi : x));
  return out;
}
export const clampMin = (a: Tensor, min: number): Tensor => clamp(a, min, null);
export const clampMax = (a: Tensor, max: number): Tensor => clamp(a, null, max);

/** cond ? a : b, elementwise with broadcasting. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const shape = broadcastAll('where', [cond.shape, shapeOf(a), shapeOf(b)]);
  const out = make(resultType([operand(a), operand(b)]), shape);
  ternaryLoop(shape, strided(cond, shape), strided(a, shape), strided(b, shape), out.data, (c, x, y) => (c !== 0 ? x : y));
  return out;
}
