// SGDMomentum (Weidman ch4): v = momentum·v + lr·grad; param −= v. The learning rate sits inside
// the velocity; PyTorch's SGD instead does v = μv + g; p −= lr·v. The two agree for a constant lr
// and differ once lr decays.
import { zerosLike, type Tensor } from '@groundup/tensor';
import { Optimizer, type OptimizerOptions } from './optimizer.ts';

export interface SGDMomentumOptions extends OptimizerOptions {
  /** default 0.9 */
  momentum?: number;
}

export class SGDMomentum extends Optimizer {
  readonly momentum: number;
  /** one per parameter, created as zeros at the first step */
  velocities: Tensor[] = [];

  constructor(lr = 0.01, { momentum = 0.9, ...rest }: SGDMomentumOptions = {}) {
    super(lr, rest);
    if (!(momentum >= 0)) throw new RangeError(`SGDMomentum: momentum must be ≥ 0, got ${momentum}`);
    this.momentum = momentum;
  }

  override step(): void {
    if (this.velocities.length === 0 && this.net) this.velocities = [...this.net.params()].map((p) => zerosLike(p));
    super.step();
  }

  protected override updateRule(param: Tensor, grad: Tensor, i: number): void {
    const v = this.velocities[i]!;
    v.mul_(this.momentum).add_(grad.mul(this.lr));
    param.sub_(v);
  }
}
