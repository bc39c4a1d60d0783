// ConvTranspose2d(inChannels, outChannels, kernelSize, {stride, padding, outputPadding, bias}): the
// layer that upsamples (a decoder's "deconvolution"), as torch.nn.ConvTranspose2d. Weight
// [in, out, kh, kw] and bias [out], initialised as PyTorch does: kaiming_uniform with a = √5 on a
// fan_in taken from dim 1 (out·kh·kw), so U(−1/√fan_in, 1/√fan_in), the bias from the same bound.
import { ShapeError } from '@groundup/kernels';
import { empty, type DType, type Tensor } from '@groundup/tensor';
import { convTranspose2d } from './functional/conv.ts';
import { convRepr, resetConvParameters } from './conv2d.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';

type Pair = number | readonly [number, number];
export interface ConvTranspose2dLayerOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  bias?: boolean;
  dtype?: DType;
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export class ConvTranspose2d extends Module<[Tensor], Tensor> {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, opts: ConvTranspose2dLayerOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    this.padding = pair(opts.padding ?? 0);
    this.outputPadding = pair(opts.outputPadding ?? 0);
    const [kh, kw] = this.kernelSize;
    for (const v of [inChannels, outChannels, kh, kw])
      if (!Number.isInteger(v) || v < 1) throw new ShapeError(`ConvTranspose2d: channels and kernel sizes must be positive integers, got ${inChannels}, ${outChannels}, kernel [${kh}, ${kw}]`);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([inChannels, outChannels, kh, kw], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null;
    this.registerParameter('bias', this.bias);
    this.resetParameters();
  }

  resetParameters(): void { resetConvParameters(this.weight, this.bias); }

  override forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding });
  }

  override extraRepr(): string { return convRepr(this, this.outputPadding); }
}
