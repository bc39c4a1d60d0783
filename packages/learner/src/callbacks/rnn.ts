// The callbacks of fastai ch12/ch16 for recurrent models.
//   ModelResetter: model.reset() before training and before validation (the hidden state of one
//     phase must not leak into the other).
//   RNNRegularizer(alpha, beta): AR and TAR (Merity et al.), added to the loss that is
//     backpropagated (learn.lossGrad) in training only:
//       AR  = alpha · mean(dropped²)                  on the last layer's output after dropout
//       TAR = beta  · mean((raw[:,1:] − raw[:,:-1])²) on its output before dropout (when sl > 1)
//     The model returns [pred, raw, dropped] (see RNNOutput in types.ts); learn.pred is pred.
import type { Tensor } from '@groundup/tensor';
import { Callback } from '../callback.ts';
import { LearnerError } from '../errors.ts';
import { isRNNOutput } from '../types.ts';

/** A model with a hidden state to reset (ch12's LMModel3 and later). */
export interface Resettable { reset(): void }

function resetModel(model: unknown, who: string): void {
  const reset = (model as Partial<Resettable>).reset;
  if (typeof reset !== 'function') throw new LearnerError(`${who}: the model (${(model as object).constructor.name}) has no reset() method; define reset() to clear its hidden state, or leave ${who} out`);
  reset.call(model);
}

export class ModelResetter extends Callback {
  override beforeTrain(): void { resetModel(this.learn.model, 'ModelResetter'); }
  override beforeValidate(): void { resetModel(this.learn.model, 'ModelResetter'); }
}

const last = (t: Tensor | readonly Tensor[]): Tensor => (Array.isArray(t) ? (t as readonly Tensor[])[(t as readonly Tensor[]).length - 1]! : (t as Tensor));

export class RNNRegularizer extends Callback {
  override order = 1;
  override runValid = false;
  /** the last batch's AR and TAR terms (numbers, for inspection) */
  ar = 0;
  tar = 0;

  constructor(readonly alpha = 0, readonly beta = 0) { super(); }

  override afterLoss(): void {
    const l = this.learn;
    if (!l.training || !l.hasLoss) return;
    const out = l.modelOutput;
    if (!isRNNOutput(out))
      throw new LearnerError('RNNRegularizer: the model must return [pred, raw, dropped] (an RNNOutput): the prediction, and the last RNN layer\'s output before and after dropout, each [bs, sl, nh]; it returned one tensor');
    const raw = last(out[1]), dropped = last(out[2]);
    if (this.alpha) {
      const ar = dropped.float().pow(2).mean().mul(this.alpha);
      this.ar = ar.item();
      l.lossGrad = l.lossGrad.add(ar);
    }
    if (this.beta && raw.ndim >= 2 && raw.shape[1]! > 1) {
      const sl = raw.shape[1]!;
      const tar = raw.narrow(1, 1, sl - 1).sub(raw.narrow(1, 0, sl - 1)).float().pow(2).mean().mul(this.beta);
      this.tar = tar.item();
      l.lossGrad = l.lossGrad.add(tar);
    }
  }
}
