// NeuralNetwork: layers plus a loss; train_batch is forward, loss, backward.
import type { Tensor } from '@groundup/tensor';
import type { Layer } from './layer.ts';
import type { Loss } from './loss.ts';

export class NeuralNetwork {
  constructor(readonly layers: Layer[], readonly loss: Loss, readonly seed = 1) {
    if (seed) for (const l of layers) l.seed = seed;
  }

  forward(xBatch: Tensor, inference = false): Tensor {
    return this.layers.reduce((x, l) => l.forward(x, inference), xBatch);
  }

  backward(lossGrad: Tensor): void {
    [...this.layers].reverse().reduce((g, l) => l.backward(g), lossGrad);
  }

  trainBatch(xBatch: Tensor, yBatch: Tensor): number {
    const predictions = this.forward(xBatch);
    const loss = this.loss.forward(predictions, yBatch);
    this.backward(this.loss.backward());
    return loss;
  }

  /** Parameters and their gradients, layer by layer, aligned (the optimizer zips them). */
  *params(): Generator<Tensor> { for (const l of this.layers) yield* l.params; }
  *paramGrads(): Generator<Tensor> { for (const l of this.layers) yield* l.paramGrads; }

  /** A deep copy: new parameter buffers, the same loss object kind. */
  clone(): NeuralNetwork {
    const copy = new NeuralNetwork(this.layers.map((l) => l.clone()), this.loss, 0);
    return copy;
  }
}
