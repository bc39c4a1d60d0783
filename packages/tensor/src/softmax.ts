// softmax and logSoftmax in the stable form: x − logsumexp(x).
import { requireFloating } from './dtype.ts';
import { exp, sub } from './elementwise.ts';
import { logsumexp } from './reduce.ts';
import type { Tensor } from './tensor.ts';

export function logSoftmax(x: Tensor, dim: number): Tensor {
  requireFloating('logSoftmax', x.dtype);
  return sub(x, logsumexp(x, dim, true));
}

export function softmax(x: Tensor, dim: number): Tensor {
  requireFloating('softmax', x.dtype);
  return exp(logSoftmax(x, dim));
}
