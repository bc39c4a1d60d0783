// Losses with PyTorch's reduction: 'mean' (the default), 'sum' or 'none' (one value per item).
//  - nllLoss picks −input[i, target[i]]: no log inside (ch5).
//  - crossEntropy = nllLoss(logSoftmax(input, 1)), fused into one op (cross-entropy.ts): stable,
//    and the gradient of its mean is (softmax − onehot)/bs.
//  - binaryCrossEntropy takes probabilities (logs clamped at −100, as PyTorch); the WithLogits form
//    takes logits and is stable: (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x).
// Input and target shapes must match exactly where PyTorch would broadcast with only a warning:
// an [n, 1] prediction against an [n] target is a classic silent bug.
import { DTypeError, ShapeError } from '@groundup/kernels';
import { classLoss, type Reduction } from './cross-entropy.ts';
import { softplus } from './elementwise.ts';
import { defineOp } from './ops/define.ts';
import type { Tensor } from './tensor.ts';

export type { Reduction };
export interface ReductionOptions { reduction?: Reduction }
export interface NllLossOptions extends ReductionOptions {
  /** A weight per class, shape [C]; the mean is then divided by the summed weights of the targets. */
  weight?: Tensor | null;
  /** Targets equal to this are skipped (no loss, no gradient, not counted in the mean). Default −100. */
  ignoreIndex?: number;
}
export interface CrossEntropyOptions extends NllLossOptions { labelSmoothing?: number }
export interface BceOptions extends ReductionOptions { weight?: Tensor | null }
export interface BceWithLogitsOptions extends BceOptions { posWeight?: Tensor | null }

const shp = (t: Tensor): string => `[${t.shape.join(', ')}]`;

export function reduce(op: string, loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

function floating(op: string, what: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    throw new DTypeError(`${op}: the ${what} must be a floating-point tensor, got ${t.dtype}; call .float() first`);
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    const hint = input.numel() === target.numel() ? `; they hold the same number of values, so reshape one, e.g. input.view(-1) or target.view(${shp(input).slice(1, -1)})` : '';
    throw new ShapeError(`${op}: the input ${shp(input)} and target ${shp(target)} must have the same shape${hint}`);
  }
}

export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  sameShape('mseLoss', input, target);
  return reduce('mseLoss', input.sub(target).square(), opts.reduction);
}

export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  sameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), opts.reduction);
}

const reductionOf = (op: string, r: Reduction | undefined): Reduction => {
  const v = r ?? 'mean';
  if (v !== 'mean' && v !== 'sum' && v !== 'none') throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  return v;
};

/** −input[i, target[i]] (weighted), over log-probabilities: one op (no log inside, ch5). */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  floating('nllLoss', 'input', input);
  return classLoss('nllLoss', input, target, { reduction: reductionOf('nllLoss', opts.reduction), weight: opts.weight ?? null, ignoreIndex: opts.ignoreIndex ?? -100, labelSmoothing: 0 }, false);
}

const classWeightShape = (input: Tensor, C: number): number[] => (input.ndim === 1 ? [C] : input.shape.map((n, i) => (i === 1 ? C : 1)));

/**
 * logSoftmax + nllLoss fused into one op for class-index targets (with class weights, ignoreIndex
 * and label smoothing); class probabilities (a float target of the input's shape) compose ops.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  floating('crossEntropy', 'input', input);
  const { weight = null, labelSmoothing = 0 } = opts;
  const reduction = reductionOf('crossEntropy', opts.reduction);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const dim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[dim] ?? 1;
  const soft = (target.dtype === 'float32' || target.dtype === 'float64') && target.shape.join() === input.shape.join();
  if (!soft) return classLoss('crossEntropy', input, target, { reduction, weight, ignoreIndex: opts.ignoreIndex ?? -100, labelSmoothing }, true);
  // Class probabilities (soft targets) of the input's shape.
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError(`crossEntropy: the class weight must have shape [${C}], got ${shp(weight)}`);
  const logp = input.logSoftmax(dim);
  const wB = weight ? weight.detach().reshape(classWeightShape(input, C)) : null;
  const t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
  const per = (wB ? logp.mul(t).mul(wB) : logp.mul(t)).sum(dim).neg();
  if (reduction === 'mean') return per.sum().div(input.numel() / C);
  return reduce('crossEntropy', per, reduction);
}

/** −(t·log p + (1 − t)·log(1 − p)) elementwise, logs clamped at −100; the gradient is PyTorch's (p − t)/max((1 − p)·p, 1e-12). */
const bceElementwise = defineOp({
  name: 'bceElementwise', arity: 2, method: false, dtype: 'same', saves: ['x', 'y'],
  expr: '-(y * (log(x) > -100 ? log(x) : -100) + (1 - y) * (log1p(-x) > -100 ? log1p(-x) : -100))',
  grad: ['g * (x - y) / ((1 - x) * x > 1e-12 ? (1 - x) * x : 1e-12)', 'g * ((log1p(-x) > -100 ? log1p(-x) : -100) - (log(x) > -100 ? log(x) : -100))'],
});

function bceItems(p: Tensor, t: Tensor): Tensor {
  const bad = p.lt(0).logicalOr(p.gt(1)).logicalOr(p.isnan());
  if (bad.any().item()) {
    const i = bad.reshape([-1]).argmax().item();
    throw new RangeError(`binaryCrossEntropy: all elements of the input should be probabilities in [0, 1], got ${p.reshape([-1]).at(i).item()} at element ${i}; for logits use binaryCrossEntropyWithLogits`);
  }
  return bceElementwise(p, t);
}

export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  floating('binaryCrossEntropy', 'input', input);
  floating('binaryCrossEntropy', 'target', target);
  sameShape('binaryCrossEntropy', input, target);
  let items = bceItems(input, target.dtype === input.dtype ? target : target.to(input.dtype));
  if (opts.weight) items = items.mul(opts.weight);
  return reduce('binaryCrossEntropy', items, opts.reduction);
}

export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  floating('binaryCrossEntropyWithLogits', 'input', input);
  floating('binaryCrossEntropyWithLogits', 'target', target);
  sameShape('binaryCrossEntropyWithLogits', input, target);
  const sp = softplus(input.neg(), 1, 20);
  const lw = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : null;
  let items = target.neg().add(1).mul(input).add(lw ? lw.mul(sp) : sp);
  if (opts.weight) items = items.mul(opts.weight);
  return reduce('binaryCrossEntropyWithLogits', items, opts.reduction);
}
