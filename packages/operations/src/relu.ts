// ReLU (Weidman ch4). The companion code's backward masks with `output >= 0`, which is always true
// after clipping at 0, so its gradient is the identity; the correct mask is `input > 0`.
// `legacyMask: true` keeps the companion code's behaviour, only to reproduce its ReLU experiment.
import type { Tensor } from '@groundup/tensor';
import { Operation } from './operation.ts';

export interface ReLUOptions {
  /** use the companion code's always-true mask (default false: the correct gradient) */
  legacyMask?: boolean;
}

export class ReLU extends Operation {
  readonly legacyMask: boolean;
  constructor({ legacyMask = false }: ReLUOptions = {}) {
    super();
    this.legacyMask = legacyMask;
  }
  protected computeOutput(): Tensor { return this.input.clampMin(0); }
  protected computeInputGrad(g: Tensor): Tensor {
    return this.legacyMask ? g.mul(this.output.ge(0)) : g.mul(this.input.gt(0));
  }
}
