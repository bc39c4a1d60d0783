// torch.optim.RMSprop on the ch16 Optimizer: sqr ← α·sqr + (1 − α)·g² (from zeros), then
// p ← p − lr·g/(sqrt(sqr) + eps); with momentum, torch's buffer of g/(sqrt(sqr) + eps).
// α is the hyper `sqrMom`, momentum is `mom`, L2 weight decay is `wd`.
// ch16's printed RMSProp does not dampen (sqr ← sqrMom·sqr + g²) and uses eps 1e-7; build it with
// new Optimizer(params, [averageSqrGrad({dampening: false}), rmsPropStep], {lr, sqrMom: 0.99, eps: 1e-7}).
// (torch's `centered` variant is not implemented.)
import type { Tensor } from '@groundup/tensor';
import { checkRange, groupsWithHypers, toHypers, type HyperTable } from './hyper-names.ts';
import { Optimizer, type Hypers, type Stepper } from './optimizer.ts';
import { averageSqrGrad, l2Reg, rmsPropMomentumStep, rmsPropStep } from './steppers.ts';

export interface RMSPropOptions {
  /** default 1e-2 */
  lr?: number;
  /** smoothing constant (hyper `sqrMom`), default 0.99 */
  alpha?: number;
  /** default 1e-8 */
  eps?: number;
  /** L2 weight decay (hyper `wd`), default 0 */
  weightDecay?: number;
  /** hyper `mom`, default 0 */
  momentum?: number;
}
export type RMSPropGroup = { params: Iterable<Tensor> } & RMSPropOptions;

const table: HyperTable = { lr: 'lr', alpha: 'sqrMom', eps: 'eps', weightDecay: 'wd', momentum: 'mom' };

const rmsUpdate: Stepper = (p, a) => (a['mom'] === 0 ? rmsPropStep : rmsPropMomentumStep)(p, a);

export class RMSProp extends Optimizer {
  constructor(params: Iterable<Tensor> | Iterable<RMSPropGroup>, options: RMSPropOptions = {}) {
    const defaults: Hypers = { lr: 1e-2, sqrMom: 0.99, eps: 1e-8, wd: 0, mom: 0, ...toHypers('RMSProp', options, table) };
    super(groupsWithHypers('RMSProp', params, table), [l2Reg, averageSqrGrad({ dampening: true }), rmsUpdate], defaults);
  }

  protected override validate(h: Hypers): void {
    super.validate(h);
    checkRange('RMSProp', 'epsilon value', h['eps'], 0);
    checkRange('RMSProp', 'alpha value', h['sqrMom'], 0);
    checkRange('RMSProp', 'momentum value', h['mom'], 0);
    checkRange('RMSProp', 'weight_decay value', h['wd'], 0);
  }
}

/** torch's spelling. */
export const RMSprop = RMSProp;
export type RMSprop = RMSProp;
