// @groundup/learner: fastai's Learner with callbacks, metrics, schedules, the LR finder,
// progress, plots and resumable checkpoints (fastai ch5, ch16, ch19).
//   import { Learner, accuracy } from '@groundup/learner';
//   const learn = new Learner(dls, model, { lossFunc: F.crossEntropy, metrics: [accuracy] });
//   learn.fitOneCycle(3, 3e-3);
export { Learner } from './learner.ts';
export { Callback, EVENTS, INNER_LOOP, type EventName, type EventHandlers } from './callback.ts';
export {
  CancelException, CancelBatchException, CancelBackwardException, CancelStepException, CancelTrainException,
  CancelValidException, CancelEpochException, CancelFitException,
} from './cancel.ts';
export { LearnerError } from './errors.ts';
export {
  accuracy, errorRate, topKAccuracy, AvgMetric, AvgLoss, AvgSmoothLoss, toMetric, findBs, snakeName, type Metric, type MetricFunc,
} from './metrics.ts';
export {
  makeOptimizer, isRNNOutput,
  type LearnerOptions, type FitOptions, type FitOneCycleOptions, type LogRow, type Preds,
  type Batch, type Loader, type LoadersLike, type RNNOutput, type ModelOutput, type LearnerModel, type LossFunc, type OptFunc, type OptHypers,
} from './types.ts';
export { fastaiAdam, fastaiSGD } from './opt-func.ts';
export { crossEntropyLossFlat } from './loss-flat.ts';
export { TrainEvalCallback } from './callbacks/train-eval.ts';
export { Recorder, formatTime, type RecorderOptions } from './callbacks/recorder.ts';
export { ProgressCallback, formatRow, type ProgressOptions, type ProgressStream } from './callbacks/progress.ts';
export { TerminateOnNaNCallback } from './callbacks/terminate-on-nan.ts';
export { ParamScheduler } from './callbacks/param-scheduler.ts';
export { LRFinder, type LRFinderOptions } from './callbacks/lr-finder.ts';
export { ActivationStats, activationStats, type LayerStats, type ActivationStatsOptions } from './callbacks/activation-stats.ts';
export { ModelResetter, RNNRegularizer, type Resettable } from './callbacks/rnn.ts';
export { GradientClip } from './callbacks/gradient-clip.ts';
export { SaveModelCallback, type SaveModelOptions } from './callbacks/save-model.ts';
export { CHECKPOINT_KEY, readCheckpoint, type Checkpoint, type CheckpointMeta } from './checkpoint.ts';
export { lrFind, type LrFindOptions, type LrFindResult } from './lr-find.ts';
// fastai's suggestion functions (valley, steep, minimum): a namespace, since tensor has its own minimum.
export * as lrSuggest from './lr-suggest.ts';
export type { Suggestion } from './lr-suggest.ts';
export { summary, type ModelSummary, type SummaryRow } from './summary.ts';
export { chartSvg, saveChart, linearTicks, logTicks, type Panel, type Series, type Marker, type ChartOptions } from './plot/chart.ts';
export { encodePng, saveHeatmapPng, viridis } from './plot/png.ts';
export { DeviceCallback } from './callbacks/device.ts';
