// Appendix A, "Matrix chain rule": L = Σ σ(X·W) written out element by element. Each σ(XW_ij)
// depends on row i of X only, so its derivative with respect to X is a matrix that is zero except
// row i, which holds σ'(XW_ij)·W[:, j]ᵀ. Adding the partial-derivative matrices of all the output
// elements gives dL/dX; the appendix shows the sum is σ'(XW)·Wᵀ (and dL/dW = Xᵀ·σ'(XW)).
import { zeros, type Tensor } from '@groundup/tensor';

export const sigmoid = (x: Tensor): Tensor => x.neg().exp().add(1).reciprocal();
/** σ'(x) = σ(x)(1 − σ(x)). */
export const sigmoidPrime = (x: Tensor): Tensor => sigmoid(x).mul(sigmoid(x).neg().add(1));

/** ∂σ(XW_ij)/∂X: zeros except row i, which is σ'(XW_ij)·W[:, j]ᵀ. */
export function partialOfElementWrtX(X: Tensor, W: Tensor, i: number, j: number): Tensor {
  const d = sigmoidPrime(X.matmul(W)).at(i, j).item();
  const out = zeros(X.shape, { dtype: X.dtype });
  out.narrow(0, i, 1).copy_(W.select(1, j).mul(d).unsqueeze(0));
  return out;
}

/** ∂σ(XW_ij)/∂W: zeros except column j, which is σ'(XW_ij)·X[i, :]ᵀ. */
export function partialOfElementWrtW(X: Tensor, W: Tensor, i: number, j: number): Tensor {
  const d = sigmoidPrime(X.matmul(W)).at(i, j).item();
  const out = zeros(W.shape, { dtype: W.dtype });
  out.narrow(1, j, 1).copy_(X.select(0, i).mul(d).unsqueeze(1));
  return out;
}

/** dL/dX and dL/dW as the sums of the element-by-element partial derivatives. */
export function chainRuleByElements(X: Tensor, W: Tensor): { dLdX: Tensor; dLdW: Tensor } {
  let dLdX = zeros(X.shape, { dtype: X.dtype }), dLdW = zeros(W.shape, { dtype: W.dtype });
  for (let i = 0; i < X.shape[0]!; i++)
    for (let j = 0; j < W.shape[1]!; j++) {
      dLdX = dLdX.add(partialOfElementWrtX(X, W, i, j));
      dLdW = dLdW.add(partialOfElementWrtW(X, W, i, j));
    }
  return { dLdX, dLdW };
}
