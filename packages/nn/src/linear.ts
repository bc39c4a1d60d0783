// Linear(inFeatures, outFeatures): y = x·Wᵀ + b with the weight stored [out, in]. PyTorch's
// initialisation: kaiming_uniform with a = √5 for the weight, which is U(−1/√in, 1/√in), and the
// same bound for the bias.
import { empty, type DType, type Tensor } from '@groundup/tensor';
import { linear } from './functional/linear.ts';
import * as init from './init.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';

export interface LinearOptions { bias?: boolean; dtype?: DType }

export class Linear extends Module<[Tensor], Tensor> {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const)
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Linear: ${k} must be a non-negative integer, got ${v}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outFeatures], { dtype })) : null;
    this.registerParameter('bias', this.bias);
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: the weight from kaiming_uniform(a = √5), the bias from U(−1/√in, 1/√in). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
