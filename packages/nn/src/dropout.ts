// Dropout(p): inverted dropout in training (survivors scaled by 1/(1 − p)), the identity in eval.
// The masks come from the given Generator, or the default one (seeded by manualSeed).
import type { Generator, Tensor } from '@groundup/tensor';
import { dropout } from './functional/dropout.ts';
import { Module } from './module.ts';

export interface DropoutLayerOptions { generator?: Generator }

export class Dropout extends Module<[Tensor], Tensor> {
  readonly generator: Generator | undefined;
  constructor(readonly p = 0.5, opts: DropoutLayerOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: probability has to be between 0 and 1, got ${p}`);
    this.generator = opts.generator;
  }
  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, ...(this.generator ? { generator: this.generator } : {}) });
  }
  override extraRepr(): string { return `p=${this.p}, inplace=False`; }
}
