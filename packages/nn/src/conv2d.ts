// Conv2d(inChannels, outChannels, kernelSize, {stride, padding, bias}): weight [out, in, kh, kw]
// and bias [out], initialised as PyTorch does (kaiming_uniform with a = √5, so U(−1/√fan_in,
// 1/√fan_in) with fan_in = in·kh·kw; the bias from the same bound). The convolution is the tensor
// op, so the backends' kernels run forward and backward.
import { ShapeError } from '@groundup/kernels';
import { conv2d as tensorConv2d, empty, type DType, type Tensor } from '@groundup/tensor';
import { conv2d } from './functional/conv.ts';
import * as init from './init.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';

type Pair = number | readonly [number, number];
export interface Conv2dLayerOptions {
  stride?: Pair;
  /** Zero padding per side; 'same' (stride 1, odd kernels) keeps H and W, 'valid' is 0. */
  padding?: Pair | 'same' | 'valid';
  bias?: boolean;
  dtype?: DType;
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** PyTorch's reset_parameters of a conv (plain or transposed): kaiming_uniform(a = √5) on the weight, U(±1/√fan_in) on the bias. */
export function resetConvParameters(weight: Tensor, bias: Tensor | null): void {
  init.kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = init.calculateFanInAndFanOut(weight);
    const bound = 1 / Math.sqrt(fanIn);
    init.uniform_(bias, -bound, bound);
  }
}

type Geometry = { inChannels: number; outChannels: number; kernelSize: [number, number]; stride: [number, number]; padding: [number, number]; bias: unknown; paddingMode?: 'same' | 'valid' | null };
/** A conv layer's line as PyTorch prints it, e.g. `1, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)`. */
export function convRepr(m: Geometry, outputPadding: [number, number] = [0, 0]): string {
  const t = (p: [number, number]): string => `(${p[0]}, ${p[1]})`;
  let s = `${m.inChannels}, ${m.outChannels}, kernel_size=${t(m.kernelSize)}, stride=${t(m.stride)}`;
  // PyTorch prints a string padding as given (padding=same), numbers as a pair.
  if (m.paddingMode) s += `, padding=${m.paddingMode}`;
  else if (m.padding[0] !== 0 || m.padding[1] !== 0) s += `, padding=${t(m.padding)}`;
  if (outputPadding[0] !== 0 || outputPadding[1] !== 0) s += `, output_padding=${t(outputPadding)}`;
  if (!m.bias) s += ', bias=False';
  return s;
}

export class Conv2d extends Module<[Tensor], Tensor> {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  /** 'same' or 'valid' when the padding was given by name (it prints so), else null. */
  readonly paddingMode: 'same' | 'valid' | null;
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, opts: Conv2dLayerOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    const [kh, kw] = this.kernelSize;
    const pad = opts.padding ?? 0;
    this.paddingMode = pad === 'same' || pad === 'valid' ? pad : null;
    if (pad === 'same') {
      if (this.stride[0] !== 1 || this.stride[1] !== 1) throw new ShapeError(`Conv2d: padding 'same' needs stride 1, got stride [${this.stride}]`);
      if (kh % 2 === 0 || kw % 2 === 0) throw new ShapeError(`Conv2d: padding 'same' is supported for odd kernel sizes only, got [${kh}, ${kw}]; pad explicitly`);
      this.padding = [(kh - 1) / 2, (kw - 1) / 2];
    } else this.padding = pad === 'valid' ? [0, 0] : pair(pad);
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['kernelSize', kh], ['kernelSize', kw]] as const)
      if (!Number.isInteger(v) || v < 1) throw new ShapeError(`Conv2d: ${name} must be a positive integer, got ${v}`);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outChannels, inChannels, kh, kw], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null;
    this.registerParameter('bias', this.bias);
    this.resetParameters();
  }

  resetParameters(): void { resetConvParameters(this.weight, this.bias); }

  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }

  /** forward followed by a ReLU, as one op (the ReLU runs on the conv's output in place): Sequential's fusion of Conv2d, ReLU. */
  forwardRelu(x: Tensor): Tensor {
    return tensorConv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, activation: 'relu' });
  }

  override extraRepr(): string { return convRepr(this); }
}
