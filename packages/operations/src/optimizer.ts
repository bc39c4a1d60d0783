// Optimizer and SGD: the network is injected by the Trainer; SGD updates parameters in place, so
// the operations that share those buffers see the new values.
import type { NeuralNetwork } from './network.ts';
import { ShapeError } from '@groundup/tensor';

export class Optimizer {
  net!: NeuralNetwork;
  constructor(readonly lr = 0.01) {}
  step(): void {}
}

export class SGD extends Optimizer {
  override step(): void {
    if (!this.net) throw new ShapeError('SGD.step: no network; pass the optimizer to a Trainer (which sets optim.net) first');
    const grads = [...this.net.paramGrads()];
    [...this.net.params()].forEach((p, i) => p.sub_(grads[i]!.mul(this.lr)));
  }
}
