// F.linear(x, weight, bias): x·Wᵀ + b with the weight stored [out, in], as PyTorch stores it.
import { ShapeError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';

export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: the weight must be 2-D [out_features, in_features], got [${weight.shape}]`);
  const inF = weight.shape[1]!, outF = weight.shape[0]!;
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF)
    throw new ShapeError(`linear: the input [${input.shape}] must end with in_features = ${inF} (weight [${weight.shape}]); reshape it, e.g. x.view(-1, ${inF})`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) throw new ShapeError(`linear: the bias must have shape [${outF}], got [${bias.shape}]`);
  const y = input.matmul(weight.t());
  return bias ? y.add(bias) : y;
}
