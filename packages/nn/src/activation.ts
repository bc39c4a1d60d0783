// Activation layers: ReLU, Sigmoid, Tanh, Softmax(dim), LogSoftmax(dim), LeakyReLU(negativeSlope),
// GELU(approximate), SiLU, Softplus(beta, threshold).
import { OpError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { gelu, leakyRelu, silu, softplus, type GeluApproximate } from './functional/activation.ts';
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

export class LeakyReLU extends Module<[Tensor], Tensor> {
  constructor(readonly negativeSlope = 0.01) { super(); }
  override forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${this.negativeSlope}`; }
}

export class GELU extends Module<[Tensor], Tensor> {
  constructor(readonly approximate: GeluApproximate = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new OpError(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  override forward(x: Tensor): Tensor { return gelu(x, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}

export class SiLU extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor { return silu(x); }
}

export class Softplus extends Module<[Tensor], Tensor> {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  override forward(x: Tensor): Tensor { return softplus(x, { beta: this.beta, threshold: this.threshold }); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
