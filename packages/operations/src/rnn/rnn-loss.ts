// The chapter 6 notebook's own SoftmaxCrossEntropy, for sequences: softmax over the vocabulary at
// every (batch, time) position, clipped to [eps, 1 − eps], and the two-term cross entropy summed
// over everything (not divided by the batch size); the gradient is p − y, also undivided.
import type { Tensor } from '@groundup/tensor';
import { Loss } from '../loss.ts';

export class SoftmaxCrossEntropy extends Loss {
  softmaxPreds!: Tensor;
  constructor(readonly eps = 1e-9) { super(); }

  protected computeOutput(): number {
    this.softmaxPreds = this.prediction.softmax(-1).clamp(this.eps, 1 - this.eps);
    const p = this.softmaxPreds, y = this.target;
    return y.mul(p.log()).add(y.neg().add(1).mul(p.neg().add(1).log())).sum().item() * -1;
  }

  protected computeInputGrad(): Tensor { return this.softmaxPreds.sub(this.target); }
}
