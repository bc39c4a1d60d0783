// The train-step cases' models, built with the packages' own types: ch13's simple_cnn (batch 64)
// with cross-entropy, and ch4's simple_net (batch 256) with its mnist_loss, each with SGD. A
// rename in nn or optim fails the typecheck here instead of skipping a row.
import { Conv2d, F, Flatten, Linear, ReLU, Sequential, type AnyModule } from '@groundup/nn';
import { SGD } from '@groundup/optim';
import { sub, tensor, where, type Tensor } from '@groundup/tensor';
import { randomArray } from '../lib/data.ts';
import type { TrainCase } from '../lib/types.ts';

export interface TrainModel { model: AnyModule; x: Tensor; loss: (out: Tensor) => Tensor; lr: number }

/** The book's models on fixed data (the same numbers the torch peer draws its shapes for). */
export function trainModel(c: TrainCase): TrainModel {
  const labels = Int32Array.from({ length: c.batch }, (_, i) => (i * 7) % 2);
  if (c.model === 'simple_cnn') {
    const conv = (ni: number, nf: number, act = true): AnyModule => {
      const layer = new Conv2d(ni, nf, 3, { stride: 2, padding: 1 });
      return act ? new Sequential(layer, new ReLU()) : layer;
    };
    const model = new Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, false), new Flatten());
    const y = tensor(labels, { dtype: 'int32' });
    return { model, x: tensor(randomArray(c.batch * 784, 1)).view(c.batch, 1, 28, 28), loss: (out) => F.crossEntropy(out, y), lr: 0.1 };
  }
  const model = new Sequential(new Linear(784, 30), new ReLU(), new Linear(30, 1));
  const y = tensor(Float32Array.from(labels)).view(c.batch, 1);
  const isOne = y.eq(1);
  const loss = (out: Tensor): Tensor => {
    const pr = out.sigmoid();
    return where(isOne, sub(1, pr), pr).mean();
  };
  return { model, x: tensor(randomArray(c.batch * 784, 1)).view(c.batch, 784), loss, lr: 1 };
}

/** One SGD step: forward, loss, backward, update, zero the gradients (torch 1.13's zero_grad). */
export function buildStep(c: TrainCase): () => void {
  const { model, x, loss, lr } = trainModel(c);
  const opt = new SGD(model.parameters(), { lr });
  return () => {
    loss(model.call(x) as Tensor).backward();
    opt.step();
    opt.zeroGrad();
  };
}
