// F.dropout: inverted dropout. In training each element is zeroed with probability p and the
// survivors are scaled by 1/(1 − p), so eval needs no rescaling; in eval it is the identity.
// The mask is drawn from a seeded Generator (the default one unless given), so runs repeat.
import { defaultGenerator, full, type Generator, type Tensor } from '@groundup/tensor';

export interface DropoutOptions { training?: boolean; generator?: Generator }

export function dropout(x: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  return maskedDropout('dropout', x, p, () => x.shape, opts);
}

/**
 * x times a mask of shape maskShape() (broadcast over x) whose entries are 1/(1 − p) with
 * probability 1 − p and 0 otherwise; dropout masks every element, dropout2d whole channels.
 */
export function maskedDropout(op: string, x: Tensor, p: number, maskShape: () => readonly number[], opts: DropoutOptions): Tensor {
  const { training = true, generator = defaultGenerator } = opts;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: probability has to be between 0 and 1, got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const mask = full(maskShape(), 0, { dtype: x.dtype === 'float64' ? 'float64' : 'float32' });
  const d = mask.data, keep = 1 - p, scale = 1 / keep;
  for (let i = 0; i < d.length; i++) d[i] = generator.random() < keep ? scale : 0;
  return x.mul(mask.to(x.device)); // drawn on the CPU (the same mask on either device), then moved
}
