// GradientClip (fastai): before every step, clipGradNorm_(parameters, maxNorm, normType), so the
// gradients' total norm is at most maxNorm. The last total norm (before clipping) is kept.
import { clipGradNorm_ } from '@groundup/nn';
import { Callback } from '../callback.ts';

export class GradientClip extends Callback {
  /** the total gradient norm of the last step, before clipping */
  lastNorm = NaN;
  constructor(readonly maxNorm = 1, readonly normType = 2) { super(); }
  override beforeStep(): void {
    this.lastNorm = clipGradNorm_(this.learn.model.parameters(), this.maxNorm, this.normType).item();
  }
}
