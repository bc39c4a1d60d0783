// F.dropout2d: channel dropout. In training each channel of each sample (a whole [H, W] map) is
// zeroed with probability p and the survivors are scaled by 1/(1 − p); in eval it is the
// identity. A 3-D input is taken as [N, C, L], as PyTorch 1.13 does. The mask comes from a
// seeded Generator (the default one unless given).
import { ShapeError } from '@groundup/kernels';
import { defaultGenerator, full, type Generator, type Tensor } from '@groundup/tensor';
import type { DropoutOptions } from './dropout.ts';

export function dropout2d(x: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  const { training = true, generator = defaultGenerator } = opts;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout2d: probability has to be between 0 and 1, got ${p}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`dropout2d: expects an input [N, C, H, W] or [N, C, L], got [${x.shape.join(', ')}]`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const mask = full([x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)], 0, { dtype: x.dtype === 'float64' ? 'float64' : 'float32' });
  const d = mask.data, keep = 1 - p, scale = 1 / keep;
  for (let i = 0; i < d.length; i++) d[i] = generator.random() < keep ? scale : 0;
  return x.mul(mask);
}
