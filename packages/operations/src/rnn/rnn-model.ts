// RNNModel (the notebook also calls it LSTMModel): layers chained forward and backward, and one
// training step that leaves the gradients in the params' derivs for the optimizer.
import type { Tensor } from '@groundup/tensor';
import type { Loss } from '../loss.ts';
import type { RecurrentLayer } from './rnn-layer.ts';

export class RNNModel {
  constructor(readonly layers: RecurrentLayer[], readonly sequenceLength: number, readonly vocabSize: number, readonly loss: Loss) {}

  forward(xBatch: Tensor): Tensor {
    return this.layers.reduce((x, layer) => layer.forward(x), xBatch);
  }

  backward(lossGrad: Tensor): Tensor {
    return [...this.layers].reverse().reduce((g, layer) => layer.backward(g), lossGrad);
  }

  /** forward, loss, loss gradient, clear every layer's derivs, backward; returns the loss. */
  singleStep(xBatch: Tensor, yBatch: Tensor): number {
    const pred = this.forward(xBatch);
    const loss = this.loss.forward(pred, yBatch);
    const grad = this.loss.backward();
    for (const layer of this.layers) layer.clearGradients();
    this.backward(grad);
    return loss;
  }

  /** A deep copy: its own parameters and carried state. */
  clone(): RNNModel {
    return new RNNModel(this.layers.map((l) => l.clone()), this.sequenceLength, this.vocabSize, this.loss);
  }
}
