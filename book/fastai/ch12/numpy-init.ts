// Weights both groundup and PyTorch can start from: numpy's RandomState(seed) draws the
// embedding from N(0, 1) and every other parameter from U(−1/√nh, 1/√nh) (PyTorch's own
// distributions for Embedding, Linear(nh, ·) and LSTM(nh, nh)), parameter by parameter in the
// model's order. scripts/fixtures/ch12_lm.py draws the same numbers for the book's LMModel6, so a
// run from these weights can be compared with PyTorch's number for number (no shuffling, no dropout).
import type { Embedding, Module } from '@groundup/nn';
import { noGrad, RandomState, Tensor } from '@groundup/tensor';

export function numpyInit(model: Module<[Tensor], unknown> & { iH: Embedding }, seed: number, nHidden = 64): void {
  const rs = new RandomState(seed), k = 1 / Math.sqrt(nHidden);
  noGrad(() => {
    for (const p of model.parameters()) {
      const v = p === model.iH.weight ? rs.standardNormal(p.shape) : rs.uniform(-k, k, p.shape);
      p.copy_(Tensor.fromData(Float32Array.from(v.data), p.shape));
    }
  });
}
