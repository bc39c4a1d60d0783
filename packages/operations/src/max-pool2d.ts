// MaxPool2D (a Weidman ch5 extension; the book's framework has no pooling): the maximum of each
// size×size window. The gradient goes to the window's maximum (its first one, on ties).
import { oneHot, type Tensor } from '@groundup/tensor';
import { Operation } from './operation.ts';
import { fromWindows, toWindows } from './pool-windows.ts';

export class MaxPool2D extends Operation {
  private argmax!: Tensor;
  constructor(readonly size = 2) { super(); }

  protected computeOutput(): Tensor {
    const [values, indices] = toWindows('MaxPool2D', this.input, this.size).max(-1);
    this.argmax = indices;
    return values;
  }

  protected computeInputGrad(g: Tensor): Tensor {
    const route = oneHot(this.argmax, this.size * this.size).to(g.dtype).mul(g.unsqueeze(-1));
    return fromWindows(route, this.input.shape, this.size);
  }
}
