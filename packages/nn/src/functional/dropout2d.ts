// F.dropout2d: channel dropout. In training each channel of each sample (a whole [H, W] map) is
// zeroed with probability p and the survivors are scaled by 1/(1 − p); in eval it is the
// identity. A 3-D input is taken as [N, C, L], as PyTorch 1.13 does. The mask comes from a
// seeded Generator (the default one unless given).
import { ShapeError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { fmtShape as fmt } from '../repr.ts';
import { maskedDropout, type DropoutOptions } from './dropout.ts';

export function dropout2d(x: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`dropout2d: expects an input [N, C, H, W] or [N, C, L], got ${fmt(x.shape)}`);
  return maskedDropout('dropout2d', x, p, () => [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)], opts);
}
