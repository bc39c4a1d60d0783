// F.relu, F.sigmoid, F.tanh, F.softmax, F.logSoftmax, F.logsumexp, F.softplus: the tensor ops
// under their functional names.
import { softplus as tensorSoftplus, type Dims, type Tensor } from '@groundup/tensor';

export const relu = (x: Tensor): Tensor => x.relu();
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
export const tanh = (x: Tensor): Tensor => x.tanh();
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);
export const logsumexp = (x: Tensor, dim: Dims, keepdim = false): Tensor => x.logsumexp(dim, keepdim);

export interface SoftplusOptions { beta?: number; threshold?: number }

/** log(1 + exp(βx))/β, and x itself where βx > threshold (PyTorch's defaults: β = 1, threshold = 20): tensor's softplus op. */
export const softplus = (x: Tensor, opts: SoftplusOptions = {}): Tensor => tensorSoftplus(x, opts.beta ?? 1, opts.threshold ?? 20);
