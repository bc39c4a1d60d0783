// Dropout (Weidman ch4) takes the probability of *keeping* a unit. It is not inverted: training
// multiplies by a 0/1 mask drawn as binomial(1, keepProb) from the numpy-compatible RNG (the same
// stream as the shuffles, so the draws shift later permutations), and inference scales by keepProb.
// PyTorch's nn.Dropout takes the drop probability and scales by 1/(1 − p) while training instead.
import { numpyRandom, Tensor, type RandomState } from '@groundup/tensor';
import { Operation } from './operation.ts';

export class Dropout extends Operation {
  /** the last training mask; null after an inference forward (whose gradient is G·keepProb) */
  mask: Tensor | null = null;
  constructor(readonly keepProb = 0.8, readonly rng: RandomState = numpyRandom) {
    super();
    if (!(keepProb > 0 && keepProb <= 1)) throw new RangeError(`Dropout: keepProb is the probability of keeping a unit and must lie in (0, 1], got ${keepProb}`);
  }

  protected computeOutput(inference: boolean): Tensor {
    if (inference) {
      this.mask = null;
      return this.input.mul(this.keepProb);
    }
    const draw = this.rng.binomial(1, this.keepProb, this.input.shape);
    this.mask = Tensor.fromData(draw.data, draw.shape).to(this.input.dtype);
    return this.input.mul(this.mask);
  }

  protected computeInputGrad(g: Tensor): Tensor { return this.mask ? g.mul(this.mask) : g.mul(this.keepProb); }
}
