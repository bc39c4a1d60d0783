// Loss and MeanSquaredError: prediction and target must have the same shape.
import type { Tensor } from '@groundup/tensor';
import { assertSameShape } from './assert-shape.ts';

export abstract class Loss {
  prediction!: Tensor;
  target!: Tensor;
  inputGrad!: Tensor;

  forward(prediction: Tensor, target: Tensor): number {
    assertSameShape(`${this.constructor.name}.forward`, prediction, target, ['prediction', 'target']);
    this.prediction = prediction;
    this.target = target;
    return this.computeOutput();
  }

  backward(): Tensor {
    this.inputGrad = this.computeInputGrad();
    assertSameShape(`${this.constructor.name}.backward`, this.inputGrad, this.prediction, ['input gradient', 'prediction']);
    return this.inputGrad;
  }

  protected abstract computeOutput(): number;
  protected abstract computeInputGrad(): Tensor;
}

/**
 * Σ(p − y)² / N, N the number of rows; gradient 2(p − y)/N. With `normalize` (Weidman ch4) the
 * predictions are first divided by their row sums, and the gradient, as in the book's code, is
 * taken with respect to those normalized predictions but handed back as if it were the raw ones'.
 */
export class MeanSquaredError extends Loss {
  constructor(readonly normalize = false) { super(); }

  protected computeOutput(): number {
    if (this.normalize) this.prediction = this.prediction.div(this.prediction.sum(1, true));
    return this.prediction.sub(this.target).pow(2).sum().item() / this.prediction.shape[0]!;
  }
  protected computeInputGrad(): Tensor {
    return this.prediction.sub(this.target).mul(2 / this.prediction.shape[0]!);
  }
}
