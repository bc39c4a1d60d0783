// F.conv1d(input, weight, bias, {stride, padding}): input [N, C, L] or [C, L], weight [O, C, k].
// It is conv2d on a height of 1, so every backend's conv kernels (and their gradients) serve it.
// padding 'same' keeps L (stride 1; an even kernel pads one more on the right, as PyTorch does).
import { ShapeError } from '@groundup/kernels';
import { conv2d, type Tensor } from '@groundup/tensor';
import { pad } from './pad.ts';
import { fmtShape as fmt } from '../repr.ts';

export interface Conv1dOptions { stride?: number; padding?: number | 'same' | 'valid' }

export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  const { stride = 1, padding = 0 } = opts;
  if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`conv1d: expects an input [N, C, L] or [C, L], got ${fmt(input.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`conv1d: expects a weight [out, in, k], got ${fmt(weight.shape)}`);
  if (!Number.isInteger(stride) || stride < 1) throw new ShapeError(`conv1d: stride must be a positive integer, got ${stride}`);
  let x = input, p = 0;
  if (padding === 'same') {
    if (stride !== 1) throw new ShapeError(`conv1d: padding 'same' needs stride 1, got stride ${stride}`);
    const total = weight.shape[2]! - 1;
    p = Math.floor(total / 2);
    if (total % 2 === 1) x = pad(x, [0, 1]);
  } else if (padding !== 'valid') {
    if (!Number.isInteger(padding) || padding < 0) throw new ShapeError(`conv1d: padding must be a non-negative integer, 'same' or 'valid', got ${padding}`);
    p = padding;
  }
  const y = conv2d(x.unsqueeze(-2), weight.unsqueeze(-2), bias, { stride: [1, stride], padding: [0, p] });
  return y.squeeze(-2);
}
