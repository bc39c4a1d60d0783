// The chapter 6 optimizers: they walk model.layers × params (the trainer sets optim.model) and,
// with gradient clipping on, clip each deriv to [−2, 2] in place before the update.
//   SGD:      value −= lr·deriv
//   AdaGrad:  sum += 1e-7 + deriv²;  value −= lr/√sum · deriv  (the sums start at the first step)
import { ShapeError, zeros, type Tensor } from '@groundup/tensor';
import type { RNNModel } from './rnn-model.ts';

export abstract class RNNOptimizer {
  model!: RNNModel;
  constructor(readonly lr = 0.01, readonly gradientClipping = true) {}

  step(): void {
    if (!this.model) throw new ShapeError(`${this.constructor.name}.step: no model; pass the optimizer to an RNNTrainer (which sets optim.model) first`);
    this.model.layers.forEach((layer, i) => {
      for (const [key, p] of Object.entries(layer.params)) {
        if (this.gradientClipping) p.deriv.clamp_(-2, 2);
        this.updateRule(p.value, p.deriv, `${i}.${key}`);
      }
    });
  }

  protected abstract updateRule(param: Tensor, grad: Tensor, key: string): void;
}

export class SGD extends RNNOptimizer {
  protected updateRule(param: Tensor, grad: Tensor): void { param.sub_(grad.mul(this.lr)); }
}

export class AdaGrad extends RNNOptimizer {
  readonly eps = 1e-7;
  sumSquares = new Map<string, Tensor>();
  protected updateRule(param: Tensor, grad: Tensor, key: string): void {
    let s = this.sumSquares.get(key);
    if (!s) this.sumSquares.set(key, (s = zeros([...param.shape], { dtype: param.dtype })));
    s.add_(grad.square().add(this.eps));
    param.sub_(s.sqrt().reciprocal().mul(this.lr).mul(grad));
  }
}
