// torch.optim.SGD on the ch16 Optimizer: L2 weight decay, torch's momentum buffer (first step
// copies the gradient; then buf = mom·buf + (1 − dampening)·grad), optional Nesterov.
// Not fastai's SGD: fastai's momentum is the dampened EMA from zeros and its weight decay is
// decoupled; build that with new Optimizer(params, [weightDecay, averageGrad({dampening: true}),
// momentumStep], {lr, mom, wd}).
import type { Tensor } from '@groundup/tensor';
import { OptimizerError } from './errors.ts';
import { checkRange, groupsWithHypers, toHypers, type HyperTable } from './hyper-names.ts';
import { Optimizer, type Hypers, type Stepper } from './optimizer.ts';
import { l2Reg, momentumBuffer, momentumStep, nesterovStep, sgdStep } from './steppers.ts';

export interface SGDOptions {
  lr: number;
  /** torch's momentum (hyper `mom`), default 0. */
  momentum?: number;
  /** torch's dampening, a number in [0, 1], default 0. */
  dampening?: number;
  /** L2 weight decay (hyper `wd`), default 0. */
  weightDecay?: number;
  nesterov?: boolean;
}
export type SGDGroup = { params: Iterable<Tensor> } & Partial<Omit<SGDOptions, 'nesterov'>>;

const table: HyperTable = { lr: 'lr', momentum: 'mom', dampening: 'dampening', weightDecay: 'wd' };

/** Momentum buffer then the right update, chosen each step so a schedule may turn momentum on or off. */
function sgdUpdate(nesterov: boolean): Stepper {
  return (p, a) => (a['mom'] === 0 ? sgdStep : nesterov ? nesterovStep : momentumStep)(p, a);
}

export class SGD extends Optimizer {
  readonly nesterov: boolean;

  constructor(params: Iterable<Tensor> | Iterable<SGDGroup>, options: SGDOptions) {
    if (options?.lr === undefined) throw new OptimizerError('SGD: lr is required, e.g. new SGD(params, { lr: 0.1 })');
    const nesterov = options.nesterov ?? false;
    const defaults: Hypers = { mom: 0, dampening: 0, wd: 0, ...toHypers('SGD', options, table, ['nesterov']) };
    const groups = groupsWithHypers('SGD', params, table);
    if (nesterov) for (const g of groups) checkNesterov({ ...defaults, ...(g as Hypers) });
    super(groups, [l2Reg, momentumBuffer, sgdUpdate(nesterov)], defaults);
    this.nesterov = nesterov;
  }

  protected override validate(h: Hypers): void {
    super.validate(h);
    checkRange('SGD', 'momentum value', h['mom'], 0);
    checkRange('SGD', 'dampening value', h['dampening'], 0, 1, true);
    checkRange('SGD', 'weight_decay value', h['wd'], 0);
    // (nesterov is still undefined while the base constructor adds the first groups.)
    if (this.nesterov) checkNesterov(h);
  }
}

function checkNesterov(h: Hypers): void {
  if (!(h['mom']! > 0) || h['dampening'] !== 0)
    throw new OptimizerError(`SGD: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum ${h['mom']}, dampening ${h['dampening']})`);
}
