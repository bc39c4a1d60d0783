// crossEntropy and nllLoss over class indices for CUDA tensors, composed of device ops whose
// gradients compose to the fused CPU op's: log-softmax, a gather of each item's target term, the
// class weights picked by index, label smoothing, and the ignored items masked out of the mean.
import type { Tensor } from '../tensor.ts';
import { where } from '../elementwise.ts';
import { gather, indexSelect } from '../indexing.ts';
import { logSoftmax } from '../softmax.ts';

export interface ClassLossArgs { reduction: 'mean' | 'sum' | 'none'; weight: Tensor | null; ignoreIndex: number; labelSmoothing: number }

export function cudaClassLoss(input: Tensor, target: Tensor, o: ClassLossArgs, fromLogits: boolean): Tensor {
  if (input.ndim === 1) return cudaClassLoss(input.unsqueeze(0), target.reshape([1]), o, fromLogits).reshape([]);
  const C = input.shape[1]!, eps = o.labelSmoothing;
  const logp = fromLogits ? logSoftmax(input, 1) : input;
  const valid = target.ne(o.ignoreIndex);
  const safe = where(valid, target, 0);
  const picked = gather(logp, 1, safe.unsqueeze(1)).squeeze(1);
  const mask = valid.to(input.dtype);
  const wt = o.weight ? indexSelect(o.weight, 0, safe.reshape([-1])).reshape([...target.shape]).mul(mask) : mask;
  let item = picked.mul(wt).mul(-(1 - eps));
  if (eps > 0) {
    const w = o.weight ? o.weight.reshape([C, ...input.shape.slice(2).map(() => 1)]) : null;
    item = item.add((w ? logp.mul(w) : logp).sum(1).mul(mask).mul(-eps / C));
  }
  if (o.reduction === 'none') return item;
  return o.reduction === 'sum' ? item.sum() : item.sum().div(wt.sum());
}
