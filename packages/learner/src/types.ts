// The shapes of what a Learner is given: batches, loaders, models, losses, optimizers.
import type { Module } from '@groundup/nn';
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
