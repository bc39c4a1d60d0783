// torch.optim.Adam (L2 weight decay, added to the gradient) and torch.optim.AdamW (decoupled
// weight decay, p ← p·(1 − lr·wd) before the update) on the ch16 Optimizer:
//   avg ← β1·avg + (1 − β1)·g;  sqr ← β2·sqr + (1 − β2)·g²  (from zeros; t = step count)
//   p ← p − (lr/(1 − β1ᵗ))·avg / (sqrt(sqr)/sqrt(1 − β2ᵗ) + eps)
// β1 is the hyper `mom` and β2 `sqrMom`, so a one-cycle schedule of `mom` moves β1 as in fastai.
// fastai's own Adam has other defaults (β2 0.99, eps 1e-5, wd 0.01 decoupled): pass them, e.g.
// new Adam(params, { lr, betas: [0.9, 0.99], eps: 1e-5, weightDecay: 0.01, decoupled: true }).
import type { Tensor } from '@groundup/tensor';
import { checkRange, groupsWithHypers, toHypers, type HyperTable } from './hyper-names.ts';
import { Optimizer, type Hypers } from './optimizer.ts';
import { adamStep, averageGrad, averageSqrGrad, l2Reg, stepStat, weightDecay } from './steppers.ts';

export interface AdamOptions {
  /** default 1e-3 */
  lr?: number;
  /** [β1, β2] (hypers `mom`, `sqrMom`), default [0.9, 0.999] */
  betas?: readonly [number, number];
  /** default 1e-8 */
  eps?: number;
  /** hyper `wd`: default 0 for Adam, 1e-2 when decoupled (AdamW) */
  weightDecay?: number;
  /** false: L2 (torch Adam, grad += wd·p); true: decoupled (torch AdamW, p ·= 1 − lr·wd) */
  decoupled?: boolean;
}
export type AdamGroup = { params: Iterable<Tensor> } & Omit<AdamOptions, 'decoupled'>;

const table: HyperTable = { lr: 'lr', betas: ['mom', 'sqrMom'], eps: 'eps', weightDecay: 'wd' };

export class Adam extends Optimizer {
  readonly decoupled: boolean;

  constructor(params: Iterable<Tensor> | Iterable<AdamGroup>, options: AdamOptions = {}) {
    const decoupled = options.decoupled ?? false;
    const defaults: Hypers = { lr: 1e-3, mom: 0.9, sqrMom: 0.999, eps: 1e-8, wd: decoupled ? 1e-2 : 0, ...toHypers('Adam', options, table, ['decoupled']) };
    const steppers = [decoupled ? weightDecay : l2Reg, averageGrad({ dampening: true }), averageSqrGrad({ dampening: true }), stepStat, adamStep];
    super(groupsWithHypers('Adam', params, table), steppers, defaults);
    this.decoupled = decoupled;
  }

  protected override validate(h: Hypers): void {
    super.validate(h);
    checkRange('Adam', 'epsilon value', h['eps'], 0);
    checkRange('Adam', 'beta parameter at index 0', h['mom'], 0, 1);
    checkRange('Adam', 'beta parameter at index 1', h['sqrMom'], 0, 1);
    checkRange('Adam', 'weight_decay value', h['wd'], 0);
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor> | Iterable<AdamGroup>, options: Omit<AdamOptions, 'decoupled'> = {}) {
    super(params, { ...options, decoupled: true });
  }
}
