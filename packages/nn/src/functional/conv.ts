// F.conv2d(input, weight, bias, {stride, padding}): the tensor op (registry kernels, gradients
// defined once in @groundup/tensor), under its functional name.
import { conv2d as tensorConv2d, convTranspose2d as tensorConvTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions, type Tensor } from '@groundup/tensor';

export type { Conv2dOptions, ConvTranspose2dOptions };

/** input [N,C,H,W] or [C,H,W], weight [O,C,kh,kw], bias [O]; out size floor((n + 2p − k)/s) + 1. */
export const conv2d = (input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor =>
  tensorConv2d(input, weight, bias, opts);

/** input [N,Cin,H,W] or [Cin,H,W], weight [Cin,Cout,kh,kw], bias [Cout]; out size (n − 1)s − 2p + k + outputPadding. */
export const convTranspose2d = (input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTranspose2dOptions = {}): Tensor =>
  tensorConvTranspose2d(input, weight, bias, opts);
