// Flatten(startDim = 1, endDim = -1): [N, C, H, W] → [N, C·H·W], the step between convs and a Linear.
import type { Tensor } from '@groundup/tensor';
import { Module } from './module.ts';

export class Flatten extends Module<[Tensor], Tensor> {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  override forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}
