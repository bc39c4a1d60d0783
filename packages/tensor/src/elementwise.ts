// The elementwise ops, one record each: the forward expression beside the gradient of each input
// (in g, the inputs, out and the parameters), what backward keeps, and the dtype rule. defineOp
// (ops/define.ts) derives the function, the Tensor methods, the compiled loops and the backward
// from each; OpMethods<typeof elementwiseRecords> gives the methods' types. Gradients follow PyTorch 1.13's
// derivatives.yaml, in its order of operations. Values are computed in double precision and stored
// in the result dtype (exact for + − × ÷ and sqrt in float32); NaN propagates as in PyTorch.
import { OpError } from '@groundup/kernels';
import { isFloating, type DType } from './dtype.ts';
import { defineOps } from './ops/define.ts';
import type { OpMethods, OpSpec } from './ops/record.ts';
import type { Tensor } from './tensor.ts';

export type { TensorLike } from './ops/record.ts';
export { assignInPlace } from './ops/define.ts';

const notBool = (op: string, fix: string) => (d: readonly (DType | null)[]): string | null =>
  (d[0] === 'bool' ? `${op}: ${fix}` : null);
/** Activations PyTorch defines for floating-point tensors only. */
const floatOnly = (op: string) => (d: readonly (DType | null)[]): string | null =>
  (d[0] === 'float32' || d[0] === 'float64' ? null : `${op}: expects a floating-point tensor, got ${d[0]}; call .float() first`);
/** Integer or bool tensors clamped to a fractional bound give float32, as in PyTorch. */
const clampDType = (d: readonly (DType | null)[], [lo, hi]: readonly number[]): DType => {
  const x = d[0]!;
  const frac = (v: number): boolean => Number.isFinite(v) && !Number.isInteger(v);
  return !isFloating(x) && (frac(lo!) || frac(hi!)) ? 'float32' : x;
};
/** where's result: the promotion of its two value operands (the condition does not count). */
const whereDType = (_d: readonly (DType | null)[], _p: readonly number[], promote: (inputs?: readonly number[]) => DType): DType => promote([1, 2]);

export const elementwiseRecords = {
  // ---- binary arithmetic ----
  add: { name: 'add', arity: 2, params: ['alpha'], defaults: { alpha: 1 }, expr: 'x + alpha * y', grad: ['g', 'g * alpha'], dtype: 'same' },
  sub: { name: 'sub', arity: 2, params: ['alpha'], defaults: { alpha: 1 }, expr: 'x - alpha * y', grad: ['g', '-g * alpha'], dtype: 'same' },
  mul: { name: 'mul', arity: 2, expr: 'x * y', grad: ['g * y', 'g * x'], saves: ['x', 'y'], dtype: 'same' },
  /** True division: integer inputs give float32, as in PyTorch. */
  div: { name: 'div', arity: 2, expr: 'x / y', grad: ['g / y', '-g * (x / y / y)'], saves: ['x', 'y'], dtype: 'float' },
  /** d/dy x^y = x^y·log x, taken as 0 where x = 0 and y ≥ 0, as PyTorch does. */
  pow: {
    name: 'pow', arity: 2, expr: 'y == 2 ? x * x : pow(x, y)', saves: ['x', 'y', 'out'], dtype: 'same',
    grad: ['y == 0 ? 0 : g * (y * pow(x, y - 1))', 'g * (x == 0 && y >= 0 ? 0 : out * log(x))'],
  },
  /** On ties the gradient is split evenly, as in PyTorch. */
  maximum: {
    name: 'maximum', arity: 2, expr: 'x != x || y != y ? nan : x > y ? x : y', saves: ['x', 'y'], dtype: 'same',
    grad: ['x == y ? g / 2 : x < y ? 0 : g', 'x == y ? g / 2 : x > y ? 0 : g'],
  },
  minimum: {
    name: 'minimum', arity: 2, expr: 'x != x || y != y ? nan : x < y ? x : y', saves: ['x', 'y'], dtype: 'same',
    grad: ['x == y ? g / 2 : x > y ? 0 : g', 'x == y ? g / 2 : x < y ? 0 : g'],
  },
  /** Python's %: the result takes the divisor's sign. */
  remainder: { name: 'remainder', arity: 2, expr: 'x - floor(x / y) * y', grad: ['g', '-g * floor(x / y)'], saves: ['x', 'y'], dtype: 'same' },
  // ---- ternary ----
  /** x + value·y·z (torch.addcmul); optimizers keep running averages with it in place. */
  addcmul: { name: 'addcmul', arity: 3, params: ['value'], defaults: { value: 1 }, expr: 'x + value * y * z', grad: ['g', 'g * value * z', 'g * value * y'], saves: ['y', 'z'], dtype: 'same' },
  /** x + value·y/z (torch.addcdiv): Adam's and RMSProp's update. */
  addcdiv: { name: 'addcdiv', arity: 3, params: ['value'], defaults: { value: 1 }, expr: 'x + value * y / z', grad: ['g', 'g * value / z', '-g * value * y / (z * z)'], saves: ['y', 'z'], dtype: 'float' },
  /**
   * x + value·y/(√z/scale + eps): Adam's update (y the first moment, z the second, scale √(1 − β2ᵗ))
   * and RMSProp's (scale 1) in one pass, in the order torch.optim computes them.
   */
  addcdivSqrt: {
    name: 'addcdivSqrt', arity: 3, params: ['value', 'scale', 'eps'], defaults: { value: 1, scale: 1, eps: 0 }, dtype: 'float',
    expr: 'x + value * y / (sqrt(z) / scale + eps)', saves: ['y', 'z'],
    grad: ['g', 'g * value / (sqrt(z) / scale + eps)', '-g * value * y / ((sqrt(z) / scale + eps) * (sqrt(z) / scale + eps)) / (2 * scale * sqrt(z))'],
  },
  /** cond ? a : b, elementwise with broadcasting (the method form is a.where(cond, b)). */
  where: { name: 'where', arity: 3, expr: 'x != 0 ? y : z', grad: [null, 'x != 0 ? g : 0', 'x != 0 ? 0 : g'], saves: ['x'], dtype: whereDType, method: false },
  // ---- comparisons and logic ----
  lt: { name: 'lt', arity: 2, expr: 'x < y', dtype: 'bool' },
  le: { name: 'le', arity: 2, expr: 'x <= y', dtype: 'bool' },
  gt: { name: 'gt', arity: 2, expr: 'x > y', dtype: 'bool' },
  ge: { name: 'ge', arity: 2, expr: 'x >= y', dtype: 'bool' },
  eq: { name: 'eq', arity: 2, expr: 'x == y', dtype: 'bool' },
  ne: { name: 'ne', arity: 2, expr: 'x != y', dtype: 'bool' },
  logicalAnd: { name: 'logicalAnd', arity: 2, expr: 'x != 0 && y != 0', dtype: 'bool' },
  logicalOr: { name: 'logicalOr', arity: 2, expr: 'x != 0 || y != 0', dtype: 'bool' },
  logicalXor: { name: 'logicalXor', arity: 2, expr: '(x != 0) != (y != 0)', dtype: 'bool' },
  logicalNot: { name: 'logicalNot', arity: 1, expr: 'x == 0', dtype: 'bool' },
  isnan: { name: 'isnan', arity: 1, expr: 'x != x', dtype: 'bool' },
  isinf: { name: 'isinf', arity: 1, expr: 'x == inf || x == -inf', dtype: 'bool' },
  isfinite: { name: 'isfinite', arity: 1, expr: 'isfinite(x)', dtype: 'bool' },
  // ---- unary ----
  neg: { name: 'neg', arity: 1, expr: '-x', grad: ['-g'], dtype: 'same', check: notBool('neg', 'negation of a bool tensor is not supported; use logicalNot()') },
  abs: { name: 'abs', arity: 1, expr: 'abs(x)', grad: ['g * (x > 0 ? 1 : x < 0 ? -1 : 0)'], saves: ['x'], dtype: 'same' },
  sqrt: { name: 'sqrt', arity: 1, expr: 'sqrt(x)', grad: ['g / (2 * out)'], saves: ['out'], dtype: 'float' },
  rsqrt: { name: 'rsqrt', arity: 1, expr: '1 / sqrt(x)', grad: ['-0.5 * g * pow(out, 3)'], saves: ['out'], dtype: 'float' },
  exp: { name: 'exp', arity: 1, expr: 'exp(x)', grad: ['g * out'], saves: ['out'], dtype: 'float' },
  log: { name: 'log', arity: 1, expr: 'log(x)', grad: ['g / x'], saves: ['x'], dtype: 'float' },
  log1p: { name: 'log1p', arity: 1, expr: 'log1p(x)', grad: ['g / (x + 1)'], saves: ['x'], dtype: 'float' },
  expm1: { name: 'expm1', arity: 1, expr: 'expm1(x)', grad: ['g * (out + 1)'], saves: ['out'], dtype: 'float' },
  sin: { name: 'sin', arity: 1, expr: 'sin(x)', grad: ['g * cos(x)'], saves: ['x'], dtype: 'float' },
  cos: { name: 'cos', arity: 1, expr: 'cos(x)', grad: ['g * -sin(x)'], saves: ['x'], dtype: 'float' },
  sigmoid: { name: 'sigmoid', arity: 1, expr: 'sigmoid(x)', grad: ['g * (1 - out) * out'], saves: ['out'], dtype: 'float' },
  tanh: { name: 'tanh', arity: 1, expr: 'tanh(x)', grad: ['g * (1 - out * out)'], saves: ['out'], dtype: 'float' },
  /** max(x, 0); its gradient is g where the output is positive (PyTorch's threshold_backward), one pass. */
  relu: { name: 'relu', arity: 1, expr: 'x <= 0 ? 0 : x', grad: ['out <= 0 ? 0 : g'], saves: ['out'], dtype: 'same' },
  square: { name: 'square', arity: 1, expr: 'x * x', grad: ['g * (2 * x)'], saves: ['x'], dtype: 'same', node: 'PowBackward0' },
  reciprocal: { name: 'reciprocal', arity: 1, expr: '1 / x', grad: ['-g * (out * out)'], saves: ['out'], dtype: 'float' },
  sign: { name: 'sign', arity: 1, expr: 'x > 0 ? 1 : x < 0 ? -1 : 0', grad: ['0'], dtype: 'same' },
  floor: { name: 'floor', arity: 1, expr: 'floor(x)', grad: ['0'], dtype: 'same' },
  ceil: { name: 'ceil', arity: 1, expr: 'ceil(x)', grad: ['0'], dtype: 'same' },
  /** Rounds half to even, as PyTorch does. */
  round: { name: 'round', arity: 1, expr: 'rint(x)', grad: ['0'], dtype: 'same' },
  /** min(max(x, min), max); with min > max everything becomes max. The gradient passes where min ≤ x ≤ max. */
  clamp: {
    name: 'clamp', arity: 1, params: ['min', 'max'], defaults: { min: -Infinity, max: Infinity }, node: 'ClampBackward1',
    expr: 'x != x ? x : x < min ? (min > max ? max : min) : x > max ? max : x', grad: ['x >= min && x <= max ? g : 0'], saves: ['x'], dtype: clampDType,
  },
  /** log(1 + e^(βx))/β, and x itself where βx > threshold (PyTorch's defaults: β = 1, threshold = 20); the gradient is sigmoid(βx). */
  softplus: {
    name: 'softplus', arity: 1, params: ['beta', 'threshold'], defaults: { beta: 1, threshold: 20 }, method: false,
    expr: 'x * beta > threshold ? x : ((x * beta > 0 ? x * beta : 0) + log1p(exp(-abs(x * beta)))) / beta',
    grad: ['x * beta > threshold ? g : g * sigmoid(x * beta)'], saves: ['x'], dtype: 'float',
    check: floatOnly('softplus'),
  },
  /** x where x > 0, else negativeSlope·x (PyTorch's default slope 0.01); the gradient at 0 is the slope's, as in PyTorch. */
  leakyRelu: {
    name: 'leakyRelu', arity: 1, params: ['negativeSlope'], defaults: { negativeSlope: 0.01 }, method: false,
    expr: 'x > 0 ? x : x * negativeSlope', grad: ['x > 0 ? g : g * negativeSlope'], saves: ['x'], dtype: 'same', check: floatOnly('leakyRelu'),
  },
  /**
   * x·Φ(x) (approximate 0: PyTorch's 'none', with erf) or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
   * (approximate 1: 'tanh'); the gradients are PyTorch 1.13's GeluBackward formulas. Call it as gelu(x, 'tanh').
   */
  gelu: {
    name: 'gelu', arity: 1, params: ['approximate'], defaults: { approximate: 0 }, method: false, saves: ['x'], dtype: 'same', check: floatOnly('gelu'),
    expr: 'approximate != 0 ? 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) : x * 0.5 * (1 + erf(x * 0.7071067811865476))',
    grad: ['approximate != 0 ? g * (0.5 * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) + 0.5 * x * ' +
      '(1 - tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)) * tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) * ' +
      '(0.7978845608028654 * (1 + 0.134145 * x * x))) : g * (0.5 * (1 + erf(x * 0.7071067811865476)) + x * (0.3989422804014327 * exp(-0.5 * x * x)))'],
  },
  /** x·sigmoid(x) (swish); the gradient is sigmoid(x)·(1 + x·(1 − sigmoid(x))), PyTorch's silu_backward. */
  silu: {
    name: 'silu', arity: 1, method: false, expr: 'x / (1 + exp(-x))', grad: ['g * sigmoid(x) * (1 + x * (1 - sigmoid(x)))'], saves: ['x'], dtype: 'same',
    check: floatOnly('silu'),
  },
} as const satisfies Record<string, OpSpec>;

/** The Tensor methods the records install (x.add(y), x.relu(), x.add_(y, alpha) ...). */
export type ElementwiseMethods = OpMethods<typeof elementwiseRecords>;

export const {
  add, sub, mul, div, pow, maximum, minimum, remainder, addcmul, addcdiv, addcdivSqrt, where, lt, le, gt, ge, eq, ne, logicalAnd, logicalOr, logicalXor,
  logicalNot, isnan, isinf, isfinite, neg, abs, sqrt, rsqrt, exp, log, log1p, expm1, sin, cos, sigmoid, tanh, relu, square, reciprocal,
  sign, floor, ceil, round, clamp, softplus, leakyRelu, silu, gelu: geluRecord,
} = defineOps(elementwiseRecords);

export type GeluApproximate = 'none' | 'tanh';
/** x·Φ(x), or its tanh approximation with approximate 'tanh' (PyTorch's F.gelu). */
export function gelu(x: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new OpError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return geluRecord(x, approximate === 'tanh' ? 1 : 0);
}

export const clampMin = (a: Tensor, min: number): Tensor => clamp(a, min, null);
export const clampMax = (a: Tensor, max: number): Tensor => clamp(a, null, max);
