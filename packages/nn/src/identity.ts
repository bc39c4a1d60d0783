// Identity: forward returns its input (fastai's noop as a layer, a placeholder in a Sequential).
import type { Tensor } from '@groundup/tensor';
import { Module } from './module.ts';

export class Identity extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor { return x; }
}
