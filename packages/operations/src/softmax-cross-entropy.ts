// SoftmaxCrossEntropy (Weidman ch4), exactly as the companion code computes it:
//   p = softmax(prediction) row-wise, as exp(x − logsumexp(x)), clipped to [eps, 1 − eps];
//   loss = Σ over rows and classes of [−y·log p − (1 − y)·log(1 − p)] / batch;
//   gradient = (p − y) / batch.
// The loss value is a binary cross entropy summed over the classes (the printed losses measure it),
// while the gradient is that of ordinary categorical cross entropy, not of this value.
import { ShapeError, type Tensor } from '@groundup/tensor';
import { Loss } from './loss.ts';

export class SoftmaxCrossEntropy extends Loss {
  /** the clipped softmax of the last forward */
  softmaxPreds!: Tensor;
  constructor(readonly eps = 1e-9) {
    super();
    if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`SoftmaxCrossEntropy: eps must lie in [0, 0.5), got ${eps}`);
  }

  protected computeOutput(): number {
    const x = this.prediction, y = this.target;
    if (x.ndim !== 2) throw new ShapeError(`SoftmaxCrossEntropy: predictions must be (batch, classes), got [${x.shape}]; one-hot encode the targets to the same shape`);
    this.softmaxPreds = x.sub(x.logsumexp(1, true)).exp().clamp(this.eps, 1 - this.eps);
    const p = this.softmaxPreds;
    const loss = y.neg().mul(p.log()).sub(y.neg().add(1).mul(p.neg().add(1).log()));
    return loss.sum().item() / x.shape[0]!;
  }

  protected computeInputGrad(): Tensor {
    return this.softmaxPreds.sub(this.target).div(this.prediction.shape[0]!);
  }
}
