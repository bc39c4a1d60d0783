// Loss modules: each wraps its F function with the options fixed at construction, and is called
// as lossFn.call(preds, targets) (or forward). Class weights are buffers, as in PyTorch.
import type { Tensor } from '@groundup/tensor';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss,
  type BceOptions, type BceWithLogitsOptions, type CrossEntropyOptions, type NllLossOptions, type Reduction, type ReductionOptions,
} from './functional/loss.ts';
import { Module } from './module.ts';

abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  constructor(opts: ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    if (!['mean', 'sum', 'none'].includes(this.reduction))
      throw new RangeError(`${new.target.name}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(this.reduction)}`);
  }
}

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, { reduction: this.reduction }); }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, { reduction: this.reduction }); }
}

export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(opts: NllLossOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.registerBuffer('weight', opts.weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: CrossEntropyOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
    this.registerBuffer('weight', opts.weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing });
  }
}

export class BCELoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: BceOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare posWeight: Tensor | null;
  constructor(opts: BceWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('posWeight', opts.posWeight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}
