// Optimizer and SGD: the network is injected by the Trainer; updates write into the parameters in
// place, so the operations that share those buffers see the new values. Weidman ch4 adds learning
// rate decay: the Trainer sets maxEpochs, calls setupDecay() before training and decayLr() after
// every epoch, but only when finalLr is truthy (so finalLr 0 never decays, as in the book's code).
import type { Tensor } from '@groundup/tensor';
import { ShapeError } from '@groundup/tensor';
import type { NeuralNetwork } from './network.ts';

export type DecayType = 'linear' | 'exponential';

export interface OptimizerOptions {
  /** the learning rate after epoch maxEpochs − 1; 0 (the default) means no decay */
  finalLr?: number;
  /** how lr moves from its start to finalLr: by a constant step or a constant factor per epoch */
  decayType?: DecayType;
}

export class Optimizer {
  net!: NeuralNetwork;
  lr: number;
  readonly finalLr: number;
  readonly decayType: DecayType | undefined;
  /** set by Trainer.fit to its epoch count */
  maxEpochs = 1;
  /** the per-epoch factor (exponential) or step (linear); set by setupDecay */
  decayPerEpoch = 0;

  constructor(lr = 0.01, { finalLr = 0, decayType }: OptimizerOptions = {}) {
    if (decayType !== undefined && decayType !== 'linear' && decayType !== 'exponential')
      throw new RangeError(`${this.constructor.name}: decayType must be 'linear' or 'exponential', got '${String(decayType)}'`);
    this.lr = lr;
    this.finalLr = finalLr;
    this.decayType = decayType;
  }

  /** exponential: (finalLr/lr)^(1/(maxEpochs−1)); linear: (lr − finalLr)/(maxEpochs−1). */
  setupDecay(): void {
    if (!this.decayType) return;
    this.decayPerEpoch = this.decayType === 'exponential'
      ? Math.pow(this.finalLr / this.lr, 1 / (this.maxEpochs - 1))
      : (this.lr - this.finalLr) / (this.maxEpochs - 1);
  }

  decayLr(): void {
    if (this.decayType === 'exponential') this.lr *= this.decayPerEpoch;
    else if (this.decayType === 'linear') this.lr -= this.decayPerEpoch;
  }

  /** Zips the network's parameters with their gradients and applies the update rule to each pair. */
  step(): void {
    if (!this.net) throw new ShapeError(`${this.constructor.name}.step: no network; pass the optimizer to a Trainer (which sets optim.net) first`);
    const params = [...this.net.params()], grads = [...this.net.paramGrads()];
    if (params.length !== grads.length)
      throw new ShapeError(`${this.constructor.name}.step: ${params.length} parameters but ${grads.length} gradients; run a backward pass before step()`);
    params.forEach((p, i) => this.updateRule(p, grads[i]!, i));
  }

  /** The base optimizer leaves parameters alone, as the book's. */
  protected updateRule(_param: Tensor, _grad: Tensor, _index: number): void {}
}

/** param −= lr · grad. */
export class SGD extends Optimizer {
  protected override updateRule(param: Tensor, grad: Tensor): void {
    param.sub_(grad.mul(this.lr));
  }
}
