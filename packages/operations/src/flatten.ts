// Flatten (Weidman ch5): [batch, ...] → [batch, features] so a Dense layer can follow a convolution.
import { ShapeError, type Tensor } from '@groundup/tensor';
import { Operation } from './operation.ts';

export class Flatten extends Operation {
  protected computeOutput(): Tensor {
    if (this.input.ndim < 1) throw new ShapeError('Flatten: expects a batch dimension, got a scalar');
    return this.input.reshape(this.input.shape[0]!, -1);
  }
  protected computeInputGrad(g: Tensor): Tensor { return g.reshape(...this.input.shape); }
}
