// TerminateOnNaNCallback (fastai ch16): stops the fit (CancelFitException) when the loss becomes
// NaN or infinite. fastai checks in afterBatch, after the step has already written the bad update
// into the weights; this one checks the loss in afterLoss, before backward, and the gradients in
// beforeStep, so the model keeps its last finite weights. It runs before Recorder (order −9), so
// the bad loss is never recorded.
import { noGrad } from '@groundup/tensor';
import { CancelFitException } from '../cancel.ts';
import { Callback } from '../callback.ts';

export class TerminateOnNaNCallback extends Callback {
  override order = -9;
  /** Where the run stopped, when it did: the epoch, the batch, the phase and what was not finite. */
  stopped: { epoch: number; iter: number; training: boolean; what: string } | null = null;

  override beforeFit(): void { if (this.learn.mode === 'fit') this.stopped = null; }

  override afterLoss(): void {
    if (!this.learn.hasLoss) return;
    const v = this.learn.loss.item();
    if (!Number.isFinite(v)) this.#stop(`the loss is ${v}`);
  }

  override beforeStep(): void {
    // A finite loss can still give an infinite gradient (overflow in backward).
    noGrad(() => {
      for (const p of this.learn.opt!.paramGroups.flatMap((g) => g.params)) {
        if (p.grad && !Number.isFinite(p.grad.sum().item())) this.#stop(`a gradient of shape [${p.shape}] is not finite`);
      }
    });
  }

  #stop(what: string): never {
    const l = this.learn;
    this.stopped = { epoch: l.epoch, iter: l.iter, training: l.training, what };
    throw new CancelFitException(`TerminateOnNaNCallback: ${what} at epoch ${l.epoch}, ${l.training ? 'training' : 'validation'} batch ${l.iter}`);
  }
}
