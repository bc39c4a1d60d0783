// convTranspose2d: the transposed ("fractionally strided") convolution, i.e. the gradient of
// conv2d with respect to its input, run forward. Its own gradients are the other two conv kernels:
// the input's is conv2d of the upstream gradient, the weight's is conv2d's weight gradient with the
// roles of input and upstream gradient swapped. So the registry's kernels run all three.
import { conv2dGeometry, DTypeError, ShapeError } from '@groundup/kernels';
import { isFloating } from './dtype.ts';
import { fmt } from './shape.ts';
import { attach } from './autograd/node.ts';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.ts';
import type { Tensor } from './tensor.ts';

type Pair = number | [number, number];
export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Removes this many rows and columns from each side of the full output (the padding of the conv it transposes). */
  padding?: Pair;
  /** Adds this many rows and columns on one side (bottom, right) of the output; smaller than the stride. */
  outputPadding?: Pair;
}

const pair = (v: Pair | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** input [N, Cin, H, W] (or [Cin, H, W]), weight [Cin, Cout, kh, kw], bias [Cout] → [N, Cout, (H−1)s − 2p + k + op, ...]. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTranspose2dOptions = {}): Tensor {
  if (input.ndim === 3) return convTranspose2d(input.unsqueeze(0), weight, bias, opts).squeeze(0);
  if (!isFloating(input.dtype)) throw new DTypeError(`convTranspose2d: expected float32 or float64 tensors, got ${input.dtype}; call .float() first`);
  for (const t of [weight, bias]) if (t && t.dtype !== input.dtype) throw new DTypeError(`convTranspose2d: all tensors must share a dtype, got ${input.dtype} and ${t.dtype}`);
  if (input.ndim !== 4 || weight.ndim !== 4)
    throw new ShapeError(`convTranspose2d: expected input [N,Cin,H,W] and weight [Cin,Cout,kh,kw], got ${fmt(input.shape)} and ${fmt(weight.shape)}`);
  const [n, cin, h, w] = input.shape as [number, number, number, number];
  const [wcin, cout, kh, kw] = weight.shape as [number, number, number, number];
  if (wcin !== cin) throw new ShapeError(`convTranspose2d: input ${fmt(input.shape)} has ${cin} channels but weight ${fmt(weight.shape)} expects ${wcin} (weight layout [in, out, kh, kw])`);
  const stride = pair(opts.stride, 1), padding = pair(opts.padding, 0), outPad = pair(opts.outputPadding, 0);
  for (const i of [0, 1])
    if (!(outPad[i]! >= 0 && outPad[i]! < stride[i]!))
      throw new ShapeError(`convTranspose2d: outputPadding must be smaller than the stride, got outputPadding [${outPad}] with stride [${stride}]`);
  const outH = (h - 1) * stride[0] - 2 * padding[0] + kh + outPad[0], outW = (w - 1) * stride[1] - 2 * padding[1] + kw + outPad[1];
  if (outH < 1 || outW < 1) throw new ShapeError(`convTranspose2d: the output would be ${outH}×${outW} for input ${fmt(input.shape)}, kernel ${kh}×${kw}, padding [${padding}]; use less padding`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) throw new ShapeError(`convTranspose2d: bias must have shape [${cout}], got ${fmt(bias.shape)}`);
  // The conv this transposes: [n, cout, outH, outW] ⋆ weight → [n, cin, h, w].
  const convOpts = { stride, padding };
  const g = conv2dGeometry([n, cout, outH, outW], weight.shape, convOpts);
  const y = conv2dBackwardInput(g, input, weight);
  if (bias) y.add_(bias.detach().view(1, cout, 1, 1));
  return attach(y, 'ConvolutionBackward0', [input, weight, bias], (gy) => [
    input.requiresGrad ? conv2d(gy, weight, null, convOpts) : null,
    weight.requiresGrad ? conv2dBackwardWeight(g, gy, input) : null,
    bias?.requiresGrad ? gy.sum([0, 2, 3]) : null,
  ], [...(weight.requiresGrad ? [input] : []), ...(input.requiresGrad ? [weight] : [])]);
}
