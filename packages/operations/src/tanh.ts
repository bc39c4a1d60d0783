// Tanh (Weidman ch4): its derivative peaks at 1 (sigmoid's at 0.25), so it passes gradients on better.
import type { Tensor } from '@groundup/tensor';
import { Operation } from './operation.ts';

export class Tanh extends Operation {
  protected computeOutput(): Tensor { return this.input.tanh(); }
  /** G·(1 − out²), from the cached output. */
  protected computeInputGrad(g: Tensor): Tensor { return g.mul(this.output.square().neg().add(1)); }
}
