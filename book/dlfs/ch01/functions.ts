// Weidman, Deep Learning from Scratch, chapter 1: the functions the chapter builds, on groundup
// tensors in float64 (numpy's default), with the book's names in camelCase.
import { ShapeError, type Tensor } from 'groundup';

export type ArrayFunction = (x: Tensor) => Tensor;
export type Chain = ArrayFunction[];

export const square: ArrayFunction = (x) => x.pow(2);
export const leakyRelu: ArrayFunction = (x) => x.maximum(x.mul(0.2));
export const sigmoid: ArrayFunction = (x) => x.neg().exp().add(1).reciprocal();

/** Central difference (f(x + Δ) − f(x − Δ)) / 2Δ, elementwise. */
export const deriv = (func: ArrayFunction, input: Tensor, diff = 0.001): Tensor =>
  func(input.add(diff)).sub(func(input.sub(diff))).div(2 * diff);

function assertLength(chain: Chain, n: number): void {
  if (chain.length !== n) throw new ShapeError(`chain: expected ${n} functions, got ${chain.length}`);
}
export function chainLength2(chain: Chain, x: Tensor): Tensor {
  assertLength(chain, 2);
  return chain[1]!(chain[0]!(x));
}
/** The chain rule: f1'(x) · f2'(f1(x)), each factor by finite differences. */
export function chainDeriv2(chain: Chain, inputRange: Tensor): Tensor {
  assertLength(chain, 2);
  if (inputRange.ndim !== 1) throw new ShapeError(`chainDeriv2: expects a 1-D input range, got shape [${inputRange.shape}]`);
  const [f1, f2] = chain as [ArrayFunction, ArrayFunction];
  return deriv(f1, inputRange).mul(deriv(f2, f1(inputRange)));
}
export function chainDeriv3(chain: Chain, inputRange: Tensor): Tensor {
  assertLength(chain, 3);
  const [f1, f2, f3] = chain as [ArrayFunction, ArrayFunction, ArrayFunction];
  const f1x = f1(inputRange), f2x = f2(f1x);
  return deriv(f1, inputRange).mul(deriv(f2, f1x)).mul(deriv(f3, f2x));
}

function assertSameShape(a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i]))
    throw new ShapeError(`the two inputs must have the same shape: [${a.shape}] vs [${b.shape}]`);
}
export function multipleInputsAdd(x: Tensor, y: Tensor, sigma: ArrayFunction): Tensor {
  assertSameShape(x, y);
  return sigma(x.add(y));
}
/** (σ'(x+y)·1, σ'(x+y)·1) */
export function multipleInputsAddBackward(x: Tensor, y: Tensor, sigma: ArrayFunction): [Tensor, Tensor] {
  const ds = deriv(sigma, x.add(y));
  return [ds, ds];
}

export function matmulForward(X: Tensor, W: Tensor): Tensor {
  if (X.shape[1] !== W.shape[0])
    throw new ShapeError(`matmulForward: for matrix multiplication the number of columns of the first array (${X.shape[1]}) must match the number of rows of the second (${W.shape[0]})`);
  return X.matmul(W);
}
/** dN/dX for N = X·W with X a row vector: Wᵀ. */
export const matmulBackwardFirst = (_X: Tensor, W: Tensor): Tensor => W.t();
export const matrixForwardExtra = (X: Tensor, W: Tensor, sigma: ArrayFunction): Tensor => sigma(matmulForward(X, W));
/** σ'(X·W) · Wᵀ, shaped like X. */
export const matrixFunctionBackward1 = (X: Tensor, W: Tensor, sigma: ArrayFunction): Tensor =>
  deriv(sigma, matmulForward(X, W)).mul(W.t());
/** L = Σ σ(X·W). */
export const matrixFunctionForwardSum = (X: Tensor, W: Tensor, sigma: ArrayFunction): Tensor => sigma(matmulForward(X, W)).sum();
/** dL/dX = (dL/dS ⊙ σ'(N)) · Wᵀ with dL/dS = ones. */
export function matrixFunctionBackwardSum1(X: Tensor, W: Tensor, sigma: ArrayFunction): Tensor {
  const N = matmulForward(X, W);
  const dLdS = N.mul(0).add(1);
  return dLdS.mul(deriv(sigma, N)).matmul(W.t());
}
