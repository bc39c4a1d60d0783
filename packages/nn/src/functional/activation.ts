// F.relu, F.sigmoid, F.tanh, F.softmax, F.logSoftmax, F.logsumexp: the tensor ops under their
// functional names, plus softplus, written as one op with a stable forward and the exact gradient
// sigmoid(βx) (also at 0, where max(x, 0) + log1p(exp(−|x|)) composed from ops would give 0.5 wrong).
import { attach, Tensor, type Dims } from '@groundup/tensor';
import { DTypeError } from '@groundup/kernels';

export const relu = (x: Tensor): Tensor => x.relu();
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
export const tanh = (x: Tensor): Tensor => x.tanh();
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);
export const logsumexp = (x: Tensor, dim: Dims, keepdim = false): Tensor => x.logsumexp(dim, keepdim);

export interface SoftplusOptions { beta?: number; threshold?: number }

/** log(1 + exp(βx))/β, and x itself where βx > threshold (PyTorch's defaults: β = 1, threshold = 20). */
export function softplus(x: Tensor, opts: SoftplusOptions = {}): Tensor {
  const { beta = 1, threshold = 20 } = opts;
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`softplus: expects a floating-point tensor, got ${x.dtype}; call .float() first`);
  const c = x.contiguous();
  const n = c.numel(), src = c.data, o = c.offset;
  const out = x.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const slope = x.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const z = beta * src[o + i]!;
    if (z > threshold) { out[i] = src[o + i]!; slope[i] = 1; continue; }
    out[i] = (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / beta;
    slope[i] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
  const s = Tensor.fromData(slope, [...x.shape]);
  return attach(Tensor.fromData(out, [...x.shape]), 'SoftplusBackward0', [x], (g) => [g.mul(s)]);
}
