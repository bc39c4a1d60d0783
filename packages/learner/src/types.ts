// The shapes of what a Learner is given: batches, loaders, models, losses, optimizers.
import type { Module } from '@groundup/nn';
import type { Callback } from './callback.ts';
import type { ProgressOptions } from './callbacks/progress.ts';
import type { Metric, MetricFunc } from './metrics.ts';
import { Optimizer } from '@groundup/optim';
import type { Tensor } from '@groundup/tensor';

/** A batch: its first nInp tensors are the model's inputs (xb), the rest the targets (yb). */
export type Batch = readonly Tensor[];

/** What a Learner iterates: batches, with a length (a DataLoader is one). */
export interface Loader extends Iterable<Batch> {
  readonly length: number;
}
/** A training and a validation loader (a DataLoaders is one). */
export interface LoadersLike {
  readonly train: Loader;
  readonly valid: Loader;
}

/**
 * What a sequence model may return instead of a Tensor, for ModelResetter / RNNRegularizer
 * (fastai ch12's LMModel7 returns `self.h_o(out), raw, out`):
 *   [0] pred     the prediction, [bs, sl, vocab]: what the loss and metrics see as learn.pred;
 *   [1] raw      the last RNN layer's output before dropout, [bs, sl, nh] (TAR uses its steps);
 *   [2] dropped  the same after dropout, [bs, sl, nh] (AR uses its size).
 * raw and dropped may also be lists with one entry per layer (fastai's AWD-LSTM); the last is used.
 */
export type RNNOutput = readonly [pred: Tensor, raw: Tensor | readonly Tensor[], dropped: Tensor | readonly Tensor[]];
export type ModelOutput = Tensor | RNNOutput;

/** The model a Learner trains: forward(...xb) gives a Tensor (or an RNNOutput). */
export type LearnerModel = Module<Tensor[], ModelOutput>;

/**
 * loss(pred, targ) → a scalar (a batch with several targets passes them all: (pred, ...yb)). It
 * may carry the activation that turns predictions into probabilities (getPreds applies it) and a
 * decodes to class indices, as fastai's loss classes do.
 */
export interface LossFunc {
  (pred: Tensor, targ: Tensor): Tensor;
  activation?: (pred: Tensor) => Tensor;
  decodes?: (pred: Tensor) => Tensor;
}

/** Hyperparameters an OptFunc receives. */
export interface OptHypers { lr: number }
/** Builds the optimizer: a function, or an Optimizer class such as SGD or Adam (called with new). */
export type OptFunc =
  | ((params: Tensor[], hypers: OptHypers) => Optimizer)
  | (new (params: Tensor[], hypers: OptHypers) => Optimizer);

/** Calls an OptFunc: `new` for an Optimizer subclass, a plain call otherwise. */
export function makeOptimizer(optFunc: OptFunc, params: Tensor[], hypers: OptHypers): Optimizer {
  const f = optFunc as { prototype?: unknown };
  if (f.prototype instanceof Optimizer || f.prototype === Optimizer.prototype)
    return new (optFunc as new (p: Tensor[], h: OptHypers) => Optimizer)(params, hypers);
  return (optFunc as (p: Tensor[], h: OptHypers) => Optimizer)(params, hypers);
}

/** True when a model returned [pred, raw, dropped]. */
export function isRNNOutput(out: unknown): out is RNNOutput {
  return Array.isArray(out) && out.length === 3 && typeof out[0] === 'object' && out[0] !== null && 'shape' in out[0];
}

export interface LearnerOptions {
  lossFunc: LossFunc;
  /** builds the optimizer; default fastai's Adam (fastaiAdam) */
  optFunc?: OptFunc;
  /** default learning rate (fastai: 1e-3) */
  lr?: number;
  /** weight decay set on the optimizer at every fit (default: the optimizer's own) */
  wd?: number;
  /** momentum at start, peak-lr and end of fitOneCycle (fastai: [0.95, 0.85, 0.95]) */
  moms?: readonly [number, number, number];
  metrics?: readonly (Metric | MetricFunc)[];
  cbs?: readonly Callback[];
  /** how many tensors at the head of a batch are inputs (default 1) */
  nInp?: number;
  /** the ProgressCallback's options, or false to leave it out (default: on) */
  progress?: boolean | ProgressOptions;
}

export interface FitOptions {
  lr?: number;
  wd?: number;
  /** callbacks added for this fit only */
  cbs?: readonly Callback[];
  /** a new optimizer (and state) instead of the existing one */
  resetOpt?: boolean;
  /** a checkpoint written by SaveModelCallback (or learn.save): continue that run from the epoch after it */
  resume?: string;
}

export interface FitOneCycleOptions extends Omit<FitOptions, 'lr'> {
  /** the start lr is lrMax/div (fastai: 25) */
  div?: number;
  /** the final lr is lrMax/divFinal (fastai: 1e5) */
  divFinal?: number;
  /** the share of the iterations spent warming up (fastai: 0.25) */
  pctStart?: number;
  moms?: readonly [number, number, number];
}

/** One row of the results table: epoch, losses, metrics, time. */
export type LogRow = readonly (number | string | null)[];

export interface Preds { preds: Tensor; targs: Tensor | null; inputs?: Tensor; decoded?: Tensor }
