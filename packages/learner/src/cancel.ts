// Control flow for callbacks, as in fastai: raising one of these from an event skips the rest of
// that stage; the Learner then runs the matching afterCancel… event, then the after… event, and
// carries on with the stage around it.
//   CancelBatchException     → afterCancelBatch, afterBatch; next batch
//   CancelBackwardException  → afterCancelBackward, afterBackward; then the step
//   CancelStepException      → afterCancelStep, afterStep; then zeroGrad
//   CancelTrainException     → afterCancelTrain, afterTrain; then validation
//   CancelValidException     → afterCancelValidate, afterValidate; then afterEpoch
//   CancelEpochException     → afterCancelEpoch, afterEpoch; next epoch
//   CancelFitException       → afterCancelFit, afterFit; fit returns
export class CancelException extends Error {
  constructor(message?: string) {
    super(message ?? new.target.name);
    this.name = new.target.name;
  }
}
export class CancelBatchException extends CancelException {}
export class CancelBackwardException extends CancelException {}
export class CancelStepException extends CancelException {}
export class CancelTrainException extends CancelException {}
export class CancelValidException extends CancelException {}
export class CancelEpochException extends CancelException {}
export class CancelFitException extends CancelException {}
