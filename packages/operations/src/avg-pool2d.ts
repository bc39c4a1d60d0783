// AvgPool2D (a Weidman ch5 extension): the mean of each size×size window; the gradient is shared
// equally by the window's size² inputs.
import type { Tensor } from '@groundup/tensor';
import { Operation } from './operation.ts';
import { fromWindows, toWindows } from './pool-windows.ts';

export class AvgPool2D extends Operation {
  constructor(readonly size = 2) { super(); }

  protected computeOutput(): Tensor { return toWindows('AvgPool2D', this.input, this.size).mean(-1); }

  protected computeInputGrad(g: Tensor): Tensor {
    const k = this.size * this.size;
    return fromWindows(g.unsqueeze(-1).expand(...g.shape, k).div(k), this.input.shape, this.size);
  }
}
