// Runs one experiment as the notebook does: Trainer(model, optim).fit(..., seed 20190119, batch 60),
// then calc_accuracy_model(model, X_test). Note that the notebook measures the accuracy of `model`,
// the network object it built: after an early stop the Trainer holds the restored snapshot, but
// `model` has trained through the epoch whose loss went up. We report both.
import { Trainer, type FitOptions } from '@groundup/operations';
import { BATCH_SIZE, SEED, type Experiment } from './experiments.ts';
import { calcAccuracyModel, type DlfsMnist } from './mnist-data.ts';

export interface ExperimentResult {
  losses: number[];
  /** the evaluation epoch whose loss rose, if training stopped early */
  stoppedAt?: number;
  /** the notebook's number: the model object it built */
  accuracy: number;
  /** the Trainer's network after fit (the restored snapshot after an early stop) */
  restoredAccuracy: number;
  /** the optimizer's learning rate when fit returned */
  finalLr: number;
}

export function runExperiment(exp: Experiment, data: DlfsMnist, opts: Pick<FitOptions, 'epochs' | 'evalEvery' | 'seed' | 'log' | 'onEpoch'> = {}): ExperimentResult {
  const seed = opts.seed ?? SEED;
  const model = exp.net(seed), optim = exp.optim();
  const trainer = new Trainer(model, optim);
  const evalEvery = opts.evalEvery ?? exp.evalEvery;
  const r = trainer.fit(data.XTrain, data.trainLabels, data.XTest, data.testLabels, {
    epochs: opts.epochs ?? exp.epochs, evalEvery, seed, batchSize: BATCH_SIZE, log: opts.log ?? (() => {}), onEpoch: opts.onEpoch,
  });
  const last = r.validationLosses.at(-1)?.epoch ?? 0;
  return {
    losses: r.validationLosses.map((v) => v.loss),
    ...(r.stoppedEarly ? { stoppedAt: last + evalEvery } : {}),
    accuracy: calcAccuracyModel(model, data.XTest, data.yTest),
    restoredAccuracy: calcAccuracyModel(trainer.net, data.XTest, data.yTest),
    finalLr: optim.lr,
  };
}
