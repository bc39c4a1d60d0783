// F.relu, F.sigmoid, F.tanh, F.softmax, F.logSoftmax, F.logsumexp, F.softplus, F.leakyRelu,
// F.gelu, F.silu: the tensor ops (one record each, gradient included) under their functional names.
import {
  gelu as tensorGelu, leakyRelu as tensorLeakyRelu, silu as tensorSilu, softplus as tensorSoftplus, type Dims, type GeluApproximate, type Tensor,
} from '@groundup/tensor';

export type { GeluApproximate };

export const relu = (x: Tensor): Tensor => x.relu();
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
export const tanh = (x: Tensor): Tensor => x.tanh();
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);
export const logsumexp = (x: Tensor, dim: Dims, keepdim = false): Tensor => x.logsumexp(dim, keepdim);

export interface SoftplusOptions { beta?: number; threshold?: number }

/** log(1 + exp(βx))/β, and x itself where βx > threshold (PyTorch's defaults: β = 1, threshold = 20): tensor's softplus op. */
export const softplus = (x: Tensor, opts: SoftplusOptions = {}): Tensor => tensorSoftplus(x, opts.beta ?? 1, opts.threshold ?? 20);

/** x where x > 0, negativeSlope·x elsewhere (PyTorch's default slope 0.01). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => tensorLeakyRelu(x, negativeSlope);

export interface GeluOptions { approximate?: GeluApproximate }
/** x·Φ(x) with Φ the standard normal CDF; approximate 'tanh' gives 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export const gelu = (x: Tensor, opts: GeluOptions = {}): Tensor => tensorGelu(x, opts.approximate ?? 'none');

/** x·sigmoid(x) (swish). */
export const silu = (x: Tensor): Tensor => tensorSilu(x);
