// Dropout2d(p): zeroes whole channels in training (survivors scaled by 1/(1 − p)), the identity in
// eval. Dropout's p, generator and repr, with F.dropout2d's mask (PyTorch's _DropoutNd family).
import type { Tensor } from '@groundup/tensor';
import { Dropout } from './dropout.ts';
import { dropout2d } from './functional/dropout2d.ts';

export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, { training: this.training, ...(this.generator ? { generator: this.generator } : {}) });
  }
}
