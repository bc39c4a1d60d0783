// Activation layers: ReLU, Sigmoid, Tanh, Softmax(dim), LogSoftmax(dim).
import type { Tensor } from '@groundup/tensor';
import { Module } from './module.ts';

export class ReLU extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor { return x.relu(); }
}

export class Sigmoid extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor { return x.sigmoid(); }
}

export class Tanh extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor { return x.tanh(); }
}

export class Softmax extends Module<[Tensor], Tensor> {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return x.softmax(this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

export class LogSoftmax extends Module<[Tensor], Tensor> {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return x.logSoftmax(this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
