// LayerNorm(normalizedShape, {eps, elementwiseAffine}) and GroupNorm(numGroups, numChannels,
// {eps, affine}): weight ones and bias zeros as in PyTorch, no running statistics (the same
// computation in train and eval). The math is F.layerNorm / F.groupNorm.
import { ShapeError } from '@groundup/kernels';
import type { DType, Tensor } from '@groundup/tensor';
import { groupNorm, layerNorm } from './functional/normalization.ts';
import { pyFloat } from './repr.ts';
import { Module } from './module.ts';
import { affineParameters, type Parameter } from './parameter.ts';

export interface LayerNormLayerOptions { eps?: number; elementwiseAffine?: boolean; dtype?: DType }

export class LayerNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormLayerOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((n) => !Number.isInteger(n) || n < 1))
      throw new ShapeError(`LayerNorm: normalizedShape must be positive integers, got [${this.normalizedShape.join(', ')}]`);
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? 'float32';
    [this.weight, this.bias] = affineParameters(this.normalizedShape, this.elementwiseAffine, dtype);
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
  }

  override forward(x: Tensor): Tensor { return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps); }

  override extraRepr(): string {
    const shape = this.normalizedShape.length === 1 ? `(${this.normalizedShape[0]},)` : `(${this.normalizedShape.join(', ')})`;
    return `${shape}, eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}

export interface GroupNormLayerOptions { eps?: number; affine?: boolean; dtype?: DType }

export class GroupNorm extends Module<[Tensor], Tensor> {
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(readonly numGroups: number, readonly numChannels: number, opts: GroupNormLayerOptions = {}) {
    super();
    if (!Number.isInteger(numGroups) || !Number.isInteger(numChannels) || numGroups < 1 || numChannels % numGroups !== 0)
      throw new ShapeError(`GroupNorm: numChannels must be divisible by numGroups, got ${numChannels} channels in ${numGroups} groups`);
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    const dtype = opts.dtype ?? 'float32';
    [this.weight, this.bias] = affineParameters([numChannels], this.affine, dtype);
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels)
      throw new ShapeError(`GroupNorm: expects an input [N, ${this.numChannels}, *], got [${x.shape.join(', ')}]`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${this.affine ? 'True' : 'False'}`; }
}
