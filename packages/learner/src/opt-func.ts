// fastai's optimizers as OptFuncs for the Learner. fastai's Adam differs from torch's in its
// defaults: β2 = 0.99, eps = 1e-5 and decoupled weight decay 0.01; the one-cycle schedule moves
// β1 (the hyperparameter `mom`). fastai's SGD is plain SGD whose momentum, when a schedule sets
// `mom`, is the undampened average torch's SGD also keeps; weight decay 0 by default.
import { Adam, SGD, type Optimizer } from '@groundup/optim';
import type { Tensor } from '@groundup/tensor';
import type { OptHypers } from './types.ts';

/** fastai's Adam: new Adam(params, { lr, betas: [0.9, 0.99], eps: 1e-5, weightDecay: 0.01, decoupled: true }). */
export function fastaiAdam(params: Tensor[], { lr }: OptHypers): Optimizer {
  return new Adam(params, { lr, betas: [0.9, 0.99], eps: 1e-5, weightDecay: 0.01, decoupled: true });
}

/** fastai's SGD: lr only (momentum 0 unless a schedule or moms sets it; no weight decay). */
export function fastaiSGD(params: Tensor[], { lr }: OptHypers): Optimizer {
  return new SGD(params, { lr });
}
