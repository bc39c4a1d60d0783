// Conv1d(inChannels, outChannels, kernelSize, {stride, padding, bias}): weight [out, in, k] and
// bias [out], initialised as PyTorch does (U(±1/√(in·k)) through kaiming_uniform(a = √5)). The
// convolution is F.conv1d, conv2d's kernels on a height of 1.
import { ShapeError } from '@groundup/kernels';
import { empty, type DType, type Tensor } from '@groundup/tensor';
import { resetConvParameters } from './conv2d.ts';
import { conv1d } from './functional/conv1d.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';
import { fmtShape as fmt } from './repr.ts';

export interface Conv1dLayerOptions {
  stride?: number;
  /** Zero padding per side; 'same' (stride 1) keeps L, 'valid' is 0. */
  padding?: number | 'same' | 'valid';
  bias?: boolean;
  dtype?: DType;
}

export class Conv1d extends Module<[Tensor], Tensor> {
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv1dLayerOptions = {}) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['kernelSize', kernelSize], ['stride', this.stride]] as const)
      if (!Number.isInteger(v) || v < 1) throw new ShapeError(`Conv1d: ${name} must be a positive integer, got ${v}`);
    if (this.padding === 'same' && this.stride !== 1) throw new ShapeError(`Conv1d: padding 'same' needs stride 1, got stride ${this.stride}`);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outChannels, inChannels, kernelSize], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null;
    this.registerParameter('bias', this.bias);
    this.resetParameters();
  }

  resetParameters(): void { resetConvParameters(this.weight, this.bias); }

  override forward(x: Tensor): Tensor {
    const c = x.ndim === 3 ? x.shape[1] : x.shape[0];
    if ((x.ndim === 2 || x.ndim === 3) && c !== this.inChannels)
      throw new ShapeError(`Conv1d: the input ${fmt(x.shape)} has ${c} channels but the layer expects ${this.inChannels} (weight [out, in, k] = ${fmt(this.weight.shape)})`);
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize},), stride=(${this.stride},)`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding !== 0) s += `, padding=(${this.padding},)`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}
