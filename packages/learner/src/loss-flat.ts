// fastai's CrossEntropyLossFlat: cross-entropy over the last axis of predictions of any rank
// (e.g. a language model's [bs, sl, vocab] against targets [bs, sl]), flattened to rows first.
// It carries softmax as its activation (getPreds returns probabilities) and argmax as decodes.
import { F } from '@groundup/nn';
import type { Tensor } from '@groundup/tensor';
import type { LossFunc } from './types.ts';

export function crossEntropyLossFlat(opts: { axis?: number; labelSmoothing?: number } = {}): LossFunc {
  const axis = opts.axis ?? -1;
  const loss: LossFunc = (pred: Tensor, targ: Tensor): Tensor => {
    const p = axis === -1 || axis === pred.ndim - 1 ? pred : pred.transpose(axis, -1);
    return F.crossEntropy(p.reshape(-1, p.shape[p.ndim - 1]!), targ.reshape(-1), opts.labelSmoothing ? { labelSmoothing: opts.labelSmoothing } : {});
  };
  loss.activation = (x) => x.softmax(axis);
  loss.decodes = (x) => x.argmax(axis);
  return loss;
}
