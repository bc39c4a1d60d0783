// Metrics, as fastai's: a metric is reset before each phase, accumulates over the batches, and
// gives one value. A plain function (pred, ...targets) → scalar becomes an AvgMetric: the mean
// of its per-batch values weighted by batch size, so a smaller last batch counts for less.
//   new Learner(dls, model, { lossFunc, metrics: [accuracy, errorRate] })
import { Tensor } from '@groundup/tensor';
import { LearnerError } from './errors.ts';
import type { Learner } from './learner.ts';

export interface Metric {
  /** The column name in the results table (snake_case, as fastai prints it). */
  readonly name: string;
  reset(): void;
  accumulate(learn: Learner): void;
  /** null when nothing has been accumulated since reset. */
  readonly value: number | null;
}
/**
 * A metric as a function of the prediction and the target (one number, or a one-element tensor).
 * A batch with several targets passes them all: (pred, ...yb).
 */
export type MetricFunc = (pred: Tensor, targ: Tensor) => Tensor | number;

/** camelCase → snake_case as fastai's camel2snake: errorRate → error_rate, topKAccuracy → top_k_accuracy. */
export const snakeName = (s: string): string => s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** The number of items in a batch: the first dim of the first target (or of the first input when there is none). */
export function findBs(learn: Learner): number {
  const t = learn.yb[0] ?? learn.xb[0];
  return t && t.ndim > 0 ? t.shape[0]! : 1;
}

/** One number from what a metric or loss returned; a LearnerError naming `who` otherwise. */
export function scalarOf(v: unknown, who: string, fix: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new LearnerError(`${who} returned a tensor of shape [${v.shape.join(', ')}], not one number; ${fix}`);
    return v.item();
  }
  throw new LearnerError(`${who} returned ${v === null ? 'null' : typeof v}, not a number or a one-element Tensor; ${fix}`);
}

/** fastai's accuracy: argmax over `axis` equals the target; the mean over the batch. */
export function accuracy(pred: Tensor, targ: Tensor, axis = -1): Tensor {
  const p = pred.argmax(axis);
  if (p.shape.join() !== targ.shape.join())
    throw new LearnerError(`accuracy: the predicted classes have shape [${p.shape}] (argmax of [${pred.shape}] over axis ${axis}) but the targets have shape [${targ.shape}]; the targets should be class indices, one per prediction`);
  return p.eq(targ).float().mean();
}

/**
 * fastai's top_k_accuracy: the share of items whose target is among the k highest predictions
 * (ch14's exercise; top-5 is ImageNet's usual second number). As a metric with another k:
 * `new AvgMetric((p, t) => topKAccuracy(p, t, 3), 'top_3_accuracy')`.
 */
export function topKAccuracy(pred: Tensor, targ: Tensor, k = 5, axis = -1): Tensor {
  const d = axis < 0 ? axis + pred.ndim : axis;
  if (!(Number.isInteger(k) && k >= 1 && k <= (pred.shape[d] ?? 0)))
    throw new LearnerError(`topKAccuracy: k must be an integer from 1 to the ${pred.shape[d] ?? 0} classes of axis ${axis} of [${pred.shape}], got ${k}`);
  const top = pred.topk(k, d).indices;
  const want = [...top.shape.slice(0, d), ...top.shape.slice(d + 1)];
  if (want.join() !== targ.shape.join())
    throw new LearnerError(`topKAccuracy: the predictions [${pred.shape}] give one class list per item of shape [${want}], but the targets have shape [${targ.shape}]; the targets should be class indices, one per prediction`);
  return top.eq(targ.unsqueeze(d).expandAs(top)).sum(d).float().mean();
}

/** 1 − accuracy. */
export function errorRate(pred: Tensor, targ: Tensor, axis = -1): Tensor {
  return accuracy(pred, targ, axis).neg().add(1);
}

/** The batch-size-weighted mean of a function's values over the batches. */
export class AvgMetric implements Metric {
  total = 0;
  count = 0;
  readonly name: string;
  constructor(readonly func: MetricFunc, name?: string) {
    this.name = name ?? snakeName(func.name || 'metric');
  }
  reset(): void { this.total = 0; this.count = 0; }
  accumulate(learn: Learner): void {
    const bs = findBs(learn);
    const v = scalarOf((this.func as (pred: Tensor, ...yb: Tensor[]) => Tensor | number)(learn.pred, ...learn.yb), `metric '${this.name}'`, 'a metric must reduce the batch to one number, e.g. end it with .mean() (the Learner weights it by the batch size)');
    this.total += v * bs;
    this.count += bs;
  }
  get value(): number | null { return this.count === 0 ? null : this.total / this.count; }
}

/** The batch-size-weighted mean of the loss (the valid_loss column). */
export class AvgLoss implements Metric {
  readonly name = 'loss';
  total = 0;
  count = 0;
  reset(): void { this.total = 0; this.count = 0; }
  accumulate(learn: Learner): void {
    const bs = findBs(learn);
    this.total += learn.loss.mean().item() * bs;
    this.count += bs;
  }
  get value(): number | null { return this.count === 0 ? null : this.total / this.count; }
}

/** An exponential moving average of the loss with debiasing (the train_loss column): val ← β·val + (1−β)·loss; value = val/(1 − βⁿ). */
export class AvgSmoothLoss implements Metric {
  readonly name = 'loss';
  count = 0;
  val = 0;
  constructor(readonly beta = 0.98) {}
  reset(): void { this.count = 0; this.val = 0; }
  accumulate(learn: Learner): void {
    this.count += 1;
    // torch.lerp(loss, val, β) = loss + β·(val − loss), in float32 as fastai computes it.
    const loss = learn.loss.mean().item();
    this.val = Math.fround(loss + Math.fround(this.beta * Math.fround(this.val - loss)));
  }
  get value(): number | null { return this.count === 0 ? null : this.val / (1 - this.beta ** this.count); }
}

/** A Metric as given, or a function wrapped in an AvgMetric. */
export const toMetric = (m: Metric | MetricFunc): Metric => (typeof m === 'function' ? new AvgMetric(m) : m);
