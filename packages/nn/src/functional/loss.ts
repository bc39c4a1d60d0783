// Losses with PyTorch's reduction: 'mean' (the default), 'sum' or 'none' (one value per item).
//  - nllLoss picks −input[i, target[i]] with paired integer indexing: no log inside (ch5).
//  - crossEntropy = nllLoss(logSoftmax(input, 1)); logSoftmax is x − logsumexp(x), so it is stable
//    and the gradient of its mean is (softmax − onehot)/bs.
//  - binaryCrossEntropy takes probabilities (logs clamped at −100, as PyTorch); the WithLogits form
//    takes logits and is stable: (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x).
// Input and target shapes must match exactly where PyTorch would broadcast with only a warning:
// an [n, 1] prediction against an [n] target is a classic silent bug.
import { DTypeError, IndexError, ShapeError } from '@groundup/kernels';
import { arange, attach, Tensor } from '@groundup/tensor';
import { softplus } from './activation.ts';

export type Reduction = 'mean' | 'sum' | 'none';
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

/** [N, C, d1, …] and [N, d1, …] → rows [M, C], targets [M] and the per-item shape. */
function classRows(op: string, input: Tensor, target: Tensor): { rows: Tensor; t: Int32Array; itemShape: number[]; C: number } {
  if (target.dtype !== 'int32')
    throw new DTypeError(`${op}: the target must hold int32 class indices (PyTorch's Long), got ${target.dtype}; call .long() on it${op === 'crossEntropy' ? ', or pass class probabilities with the input\'s shape' : ''}`);
  if (input.ndim === 0) throw new ShapeError(`${op}: the input must be [C], [N, C] or [N, C, d1, ...], got a scalar`);
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const itemShape = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.join() !== itemShape.join())
    throw new ShapeError(`${op}: for input ${shp(input)} (${C} classes on dim ${input.ndim === 1 ? 0 : 1}) the target must have shape [${itemShape.join(', ')}], got ${shp(target)}`);
  let rows: Tensor;
  if (input.ndim === 1) rows = input.unsqueeze(0);
  else if (input.ndim === 2) rows = input;
  else rows = input.permute([0, ...input.shape.slice(2).map((_, i) => i + 2), 1]).reshape([-1, C]);
  return { rows, t: Int32Array.from(target.contiguous().dataSync() as Int32Array), itemShape, C };
}

/** Per-item −w[t]·input[i, t] (0 for ignored items) and the mean's divisor. */
function nllParts(op: string, input: Tensor, target: Tensor, opts: NllLossOptions): { items: Tensor; denom: number; ignored: Uint8Array; itemShape: number[]; t: Int32Array; C: number } {
  const { weight = null, ignoreIndex = -100 } = opts;
  const { rows, t, itemShape, C } = classRows(op, input, target);
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError(`${op}: the class weight must have shape [${C}], got ${shp(weight)}`);
  const w = weight ? (weight.detach().contiguous().dataSync() as ArrayLike<number>) : null;
  const safe = new Int32Array(t.length), ignored = new Uint8Array(t.length), scale = new Float64Array(t.length);
  let denom = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) { ignored[i] = 1; continue; }
    if (c < 0 || c >= C) throw new IndexError(`${op}: target ${c} (item ${i}) is out of bounds for ${C} classes; targets must be in [0, ${C})${ignoreIndex < 0 || ignoreIndex >= C ? ` or equal ignoreIndex ${ignoreIndex}` : ''}`);
    safe[i] = c;
    scale[i] = w ? w[c]! : 1;
    denom += scale[i]!;
  }
  const picked = rows.at(arange(t.length), Tensor.fromData(safe, [t.length]));
  const allOne = !w && ignored.every((v) => v === 0);
  const items = allOne ? picked.neg() : picked.mul(Tensor.fromData(input.dtype === 'float64' ? Float64Array.from(scale, (v) => -v) : Float32Array.from(scale, (v) => -v), [t.length]));
  return { items, denom, ignored, itemShape, t, C };
}

export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  floating('nllLoss', 'input', input);
  const { items, denom, itemShape } = nllParts('nllLoss', input, target, opts);
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'mean') return items.sum().div(denom);
  return reduction === 'none' ? items.reshape(itemShape) : reduce('nllLoss', items, reduction);
}

const classWeightShape = (input: Tensor, C: number): number[] => (input.ndim === 1 ? [C] : input.shape.map((n, i) => (i === 1 ? C : 1)));

export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  floating('crossEntropy', 'input', input);
  const { reduction = 'mean', weight = null, labelSmoothing = 0 } = opts;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const dim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[dim] ?? 1;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError(`crossEntropy: the class weight must have shape [${C}], got ${shp(weight)}`);
  const logp = input.logSoftmax(dim);
  const wB = weight ? weight.detach().reshape(classWeightShape(input, C)) : null;
  if (target.dtype === 'float32' || target.dtype === 'float64') {
    // Class probabilities (soft targets) of the input's shape.
    sameShape('crossEntropy', input, target);
    const t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
    const per = (wB ? logp.mul(t).mul(wB) : logp.mul(t)).sum(dim).neg();
    if (reduction === 'mean') return per.sum().div(input.numel() / C);
    return reduce('crossEntropy', per, reduction);
  }
  const nll = nllLoss(logp, target, { ...opts, reduction });
  if (labelSmoothing === 0) return nll;
  const { ignored, denom } = nllParts('crossEntropy', logp.detach(), target, opts);
  let smooth = (wB ? logp.mul(wB) : logp).sum(dim).neg();
  if (ignored.some((v) => v === 1)) smooth = smooth.mul(Tensor.fromData(Uint8Array.from(ignored, (v) => 1 - v), [...smooth.shape]).to(smooth.dtype));
  const red = reduction === 'mean' ? smooth.sum().div(denom) : reduce('crossEntropy', smooth, reduction);
  return nll.mul(1 - labelSmoothing).add(red.mul(labelSmoothing / C));
}

/** −(t·log p + (1 − t)·log(1 − p)) elementwise, logs clamped at −100; backward as PyTorch's: (p − t)/max(p(1 − p), 1e-12). */
function bceItems(p: Tensor, t: Tensor): Tensor {
  const pc = p.contiguous(), tc = t.contiguous();
  const pd = pc.data, po = pc.offset, td = tc.data, to = tc.offset, n = p.numel();
  const out = p.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pv = pd[po + i]!, tv = td[to + i]!;
    if (!(pv >= 0 && pv <= 1))
      throw new RangeError(`binaryCrossEntropy: all elements of the input should be probabilities in [0, 1], got ${pv} at element ${i}; for logits use binaryCrossEntropyWithLogits`);
    out[i] = -(tv * Math.max(Math.log(pv), -100) + (1 - tv) * Math.max(Math.log1p(-pv), -100));
  }
  return attach(Tensor.fromData(out, [...p.shape]), 'BinaryCrossEntropyBackward0', [p, t], (g) => [
    p.requiresGrad ? g.mul(p.sub(t)).div(p.mul(p.neg().add(1)).clampMin(1e-12)) : null,
    t.requiresGrad ? g.mul(p.neg().log1p().clampMin(-100).sub(p.log().clampMin(-100))) : null,
  ], [p, t]);
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
  const sp = softplus(input.neg());
  const lw = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : null;
  let items = target.neg().add(1).mul(input).add(lw ? lw.mul(sp) : sp);
  if (opts.weight) items = items.mul(opts.weight);
  return reduce('binaryCrossEntropyWithLogits', items, opts.reduction);
}
