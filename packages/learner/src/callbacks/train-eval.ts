// TrainEvalCallback (fastai): keeps the training position (trainIter, pctTrain) that schedules
// read, and switches the model between train() and eval() for each phase. Always present.
import { Callback } from '../callback.ts';

export class TrainEvalCallback extends Callback {
  override order = -10;
  override runValid = false;

  override afterCreate(): void { this.learn.nEpoch = 1; }

  override beforeFit(): void {
    const l = this.learn;
    l.epoch = 0;
    l.trainIter = 0;
    l.pctTrain = 0;
    const reset = (l.model as { reset?: unknown }).reset;
    if (typeof reset === 'function') reset.call(l.model);
  }

  override afterBatch(): void {
    const l = this.learn;
    l.pctTrain += 1 / (l.nIter * l.nEpoch);
    l.trainIter += 1;
  }

  override beforeTrain(): void {
    const l = this.learn;
    l.pctTrain = l.epoch / l.nEpoch;
    l.model.train();
    l.training = true;
  }

  override beforeValidate(): void {
    this.learn.model.eval();
    this.learn.training = false;
  }
}
