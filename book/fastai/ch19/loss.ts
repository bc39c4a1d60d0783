// fastai ch19, "Loss": the negative log likelihood and log-softmax from scratch, three ways.
import { arange, type Tensor } from 'groundup';

/** −mean of the log-probabilities of the targets (the book's nll, with its bracket fixed). */
export const nll = (input: Tensor, target: Tensor): Tensor => input.at(arange(target.shape[0]!), target).mean().neg();

/** Naive: log(exp(x) / Σ exp(x)), overflows for large x. */
export const logSoftmaxNaive = (x: Tensor): Tensor => x.exp().div(x.exp().sum(-1, true)).log();
/** x − log Σ exp(x). */
export const logSoftmaxSum = (x: Tensor): Tensor => x.sub(x.exp().sum(-1, true).log());
/** The LogSumExp trick: log Σ exp(x) = a + log Σ exp(x − a) with a = max(x). */
export function logsumexp(x: Tensor): Tensor {
  const m = x.max(-1).values;
  return m.add(x.sub(m.unsqueeze(-1)).exp().sum(-1).log());
}
/** x − logsumexp(x), stable. */
export const logSoftmax = (x: Tensor): Tensor => x.sub(logsumexp(x).unsqueeze(-1));

export const crossEntropy = (preds: Tensor, yb: Tensor): Tensor => nll(logSoftmax(preds), yb);
